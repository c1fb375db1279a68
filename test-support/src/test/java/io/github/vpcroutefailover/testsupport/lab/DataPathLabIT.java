package io.github.vpcroutefailover.testsupport.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The probe's view of the data path in the lab: from the host, a request to a subnet's data-path address leaves
 * through that subnet's current route, so it follows the route, fails on the faults the health port hides, and fails
 * everywhere when the destination is down. Fails (never skips) when namespaces cannot be created.
 */
class DataPathLabIT {

    /** One HTTP GET from this JVM; the NAT that carried it (by the source the server saw), or null when it failed. */
    static String via(VpcLab lab, String address) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, 80), 1000);
            s.setSoTimeout(1000);
            OutputStream out = s.getOutputStream();
            out.write("GET / HTTP/1.0\r\nHost: lab\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            String body = answer.substring(answer.indexOf("\r\n\r\n") + 4).strip();
            return lab.natByPublicAddress(body.split("\\s+")[1]);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static boolean healthAnswers(VpcLab lab, String nat) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(lab.natAddress(nat), VpcLab.HEALTH_PORT), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void theHostsRequestsThroughASubnetFollowItsRouteAndFailWhereTheHealthPortCannotSee() {
        try (VpcLab lab = VpcLab.create(List.of("a", "b"), List.of("nat-a", "nat-b"))) {
            DataPathLab paths = new DataPathLab(lab);
            String viaA = paths.via("a");
            String viaB = paths.via("b");
            assertThat(paths.via("a")).as("idempotent").isEqualTo(viaA);
            assertThat(via(lab, viaA)).as("no route in subnet a yet").isNull();
            lab.route("a", "nat-a");
            lab.route("b", "nat-b");
            assertThat(via(lab, viaA)).isEqualTo("nat-a");
            assertThat(via(lab, viaB)).isEqualTo("nat-b");

            lab.route("a", "nat-b");
            assertThat(via(lab, viaA)).as("the path follows the route").isEqualTo("nat-b");
            lab.route("a", "nat-a");

            for (Fault f : List.of(Fault.FORWARDING_OFF, Fault.MASQUERADE_LOST)) {
                lab.fault("nat-a", f);
                assertThat(healthAnswers(lab, "nat-a")).as(f + ": the health port answers").isTrue();
                assertThat(via(lab, viaA)).as(f + ": the data path through nat-a fails").isNull();
                assertThat(via(lab, viaB)).as(f + ": the other subnet's path is unaffected").isEqualTo("nat-b");
                lab.heal("nat-a");
                assertThat(via(lab, viaA)).as("healed from " + f).isEqualTo("nat-a");
            }

            paths.destinationDown(true);
            assertThat(via(lab, viaA)).isNull();
            assertThat(via(lab, viaB)).isNull();
            assertThat(healthAnswers(lab, "nat-a")).isTrue();
            paths.destinationDown(false);
            assertThat(via(lab, viaA)).isEqualTo("nat-a");
            assertThat(via(lab, viaB)).isEqualTo("nat-b");
        }
    }
}
