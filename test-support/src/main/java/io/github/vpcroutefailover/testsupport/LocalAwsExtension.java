package io.github.vpcroutefailover.testsupport;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives integration tests a ready {@link LocalAws} (inject it as a test or lifecycle method parameter), checks
 * that every endpoint answers before the first test of a class, and resets emulator state before each test.
 *
 * <p>An unreachable endpoint fails the tests with instructions; it never skips them.
 */
public final class LocalAwsExtension implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(LocalAwsExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        localAws(context).checkReachable();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        localAws(context).reset();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == LocalAws.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return localAws(extensionContext);
    }

    /**
     * The run's one instance, closed by JUnit when the run ends; public for extensions that build a test's world on it
     * (they run after this one's checks and reset).
     */
    public static LocalAws localAws(ExtensionContext context) {
        return context.getRoot().getStore(NS)
                .getOrComputeIfAbsent(LocalAws.class, k -> new LocalAws(AwsTarget.current()), LocalAws.class);
    }
}
