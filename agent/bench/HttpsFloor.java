import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * The floor under the agent's footprint: a JVM that does nothing but POST a small form over HTTPS once a
 * second, as the agent's publish does, with no checks, config, logging or signing. footprint.sh runs it
 * instead of the agent with FOOTPRINT_FLOOR=1, with the same flags and TLS front.
 */
public final class HttpsFloor {
    public static void main(String[] args) throws Exception {
        byte[] body = "Action=ListMetrics&Version=2010-08-01".getBytes(StandardCharsets.UTF_8);
        while (true) {
            HttpURLConnection c = (HttpURLConnection) URI.create(args[0]).toURL().openConnection();
            c.setRequestMethod("POST");
            c.setDoOutput(true);
            c.setFixedLengthStreamingMode(body.length);
            try (OutputStream out = c.getOutputStream()) {
                out.write(body);
            }
            int status = c.getResponseCode();
            try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
                if (in != null) {
                    in.readAllBytes();
                }
            }
            Thread.sleep(1000);
        }
    }
}
