package io.github.vpcroutefailover.testsupport;

import java.util.Objects;
import java.util.function.Function;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a test (and its {@code @BeforeEach} methods) one world built on the emulators as a parameter of type
 * {@code T}, built once per test and closed after it (JUnit closes an AutoCloseable kept in the test's store), so
 * integration test classes sharing a world do not each repeat its setup and teardown. Subclass it with the type and
 * how to build it; register it after {@link LocalAwsExtension}, whose emulator check and reset it relies on.
 */
public abstract class FixtureResolver<T extends AutoCloseable> implements ParameterResolver {
    private final Class<T> type;
    private final Function<LocalAws, T> build;

    protected FixtureResolver(Class<T> type, Function<LocalAws, T> build) {
        this.type = Objects.requireNonNull(type, "type");
        this.build = Objects.requireNonNull(build, "build");
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == type;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        LocalAws aws = LocalAwsExtension.localAws(context);
        return context.getStore(ExtensionContext.Namespace.create(getClass())).getOrComputeIfAbsent(type, k -> build.apply(aws), type);
    }
}
