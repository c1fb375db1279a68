package io.github.vpcroutefailover.net;

import io.github.vpcroutefailover.domain.config.CheckSpec;
import io.github.vpcroutefailover.ports.ProbeResult;
import io.github.vpcroutefailover.ports.Prober;
import java.util.Map;

/**
 * The probe's {@link Prober}: TCP checks through {@link TcpProber}, HTTP(S) checks through {@link HttpProber}.
 * HTTP options can be set per check name (e.g. skip TLS verification for one appliance's self-signed certificate).
 */
public final class CheckProber implements Prober, AutoCloseable {
    private final TcpProber tcp = new TcpProber();
    private final HttpProber http;
    private final HttpProber.HttpOptions httpDefaults;
    private final Map<String, HttpProber.HttpOptions> httpByCheck;
    private final DataPathProber dataPath;

    public CheckProber() {
        this(HttpProber.HttpOptions.defaults(), Map.of());
    }

    public CheckProber(HttpProber.HttpOptions httpDefaults, Map<String, HttpProber.HttpOptions> httpByCheck) {
        this.httpDefaults = httpDefaults;
        this.httpByCheck = Map.copyOf(httpByCheck);
        this.http = new HttpProber(httpDefaults);
        this.httpByCheck.values().forEach(http::prepare);
        this.dataPath = new DataPathProber(tcp, http);
    }

    /**
     * Loads and warms the probe code paths outside any probe timeout; call once in the Lambda init phase.
     *
     * @return a failed result when the warm-up exchange itself failed (worth a log line, not fatal)
     */
    public ProbeResult warmUp() {
        return http.warmUp();
    }

    @Override
    public ProbeResult probe(String address, CheckSpec check) {
        return switch (check) {
            case CheckSpec.Tcp t -> tcp.probe(address, t);
            case CheckSpec.Http h -> http.probe(address, h, httpByCheck.getOrDefault(h.name(), httpDefaults));
            // The address is the path's label; the requests go to the check's endpoints, through the subnet's route.
            case CheckSpec.DataPath d -> dataPath.probe(d);
            default -> throw new IllegalArgumentException("check '" + check.name() + "' is a " + check.getClass().getSimpleName()
                    + " check, which the probe does not run (only tcp and http checks)");
        };
    }

    @Override
    public void close() {
        dataPath.close();
        http.close();
    }
}
