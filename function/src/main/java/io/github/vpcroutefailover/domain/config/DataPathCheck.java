package io.github.vpcroutefailover.domain.config;

import java.util.List;
import java.util.Objects;

/** Values of a {@link CheckSpec.DataPath} check: where its requests go. */
public final class DataPathCheck {
    private DataPathCheck() {
    }

    /**
     * One egress endpoint. {@code tcp}: a connect to host:port passes. {@code http}/{@code https}: any complete HTTP
     * response passes (an answer that came back proves the path; the endpoint's status is not the hop's business).
     *
     * @param path the request path for http(s) (starts with '/'), null for tcp
     */
    public record Endpoint(String scheme, String host, int port, String path) {
        public Endpoint {
            Objects.requireNonNull(scheme, "scheme");
            Objects.requireNonNull(host, "host");
        }

        public boolean tcp() {
            return scheme.equals("tcp");
        }

        /** The endpoint as written in the config, normalised: {@code tcp://h:p}, {@code https://h:p/path}. */
        public String uri() {
            String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
            return scheme + "://" + h + ":" + port + (tcp() ? "" : path);
        }

        @Override
        public String toString() {
            return uri();
        }
    }

    /** A per-subnet ({@code subnet} set) or per-AZ ({@code zone} set) endpoint list. */
    public record PathEndpoints(String subnet, String zone, List<Endpoint> endpoints) {
        public PathEndpoints {
            endpoints = List.copyOf(endpoints);
        }
    }
}
