package io.github.vpcroutefailover.aws.light;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;

class Ec2ApiTest {

    /** The SDK wrapper must forward every operation to the same-named one of the client, not to a neighbour. */
    @Test
    void theSdkWrapperForwardsEveryOperationToTheSameOperationOfTheClient() throws Exception {
        List<String> called = new ArrayList<>();
        Ec2Client recorder = (Ec2Client) java.lang.reflect.Proxy.newProxyInstance(Ec2Client.class.getClassLoader(), new Class<?>[] {Ec2Client.class},
                (proxy, method, args) -> {
                    called.add(method.getName());
                    return null;
                });
        Ec2Api api = Ec2Api.of(recorder);
        List<Method> operations = Arrays.stream(Ec2Api.class.getMethods())
                .filter(m -> !m.isDefault() && !Modifier.isStatic(m.getModifiers()) && m.getParameterCount() == 1).toList();
        assertThat(operations).hasSize(15);
        for (Method m : operations) {
            called.clear();
            Class<?> type = m.getParameterTypes()[0];
            Object builder = type.getMethod("builder").invoke(null);
            Object request = Class.forName(type.getName() + "$Builder").getMethod("build").invoke(builder);
            m.invoke(api, request);
            assertThat(called).as(m.getName()).containsExactly(m.getName());
        }
        called.clear();
        api.close();
        assertThat(called).containsExactly("close");
    }
}
