package io.github.vpcroutefailover.agent.check;

import io.github.vpcroutefailover.agent.config.AgentConfig;
import io.github.vpcroutefailover.agent.config.CheckSpec;
import io.github.vpcroutefailover.agent.config.ConfigException;
import io.github.vpcroutefailover.agent.config.TlsSettings;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import javax.net.ssl.SSLContext;

/** Turns the configured checks into runners, expanding peer probes and failing early on what cannot work. */
public final class Checks {
    private Checks() {
    }

    public static List<CheckRunner> build(AgentConfig config, String instanceId, boolean netRaw, ExecutorService workers) {
        List<String> problems = new ArrayList<>();
        List<CheckRunner> runners = new ArrayList<>();
        for (int i = 0; i < config.checks().size(); i++) {
            CheckSpec spec = config.checks().get(i);
            String where = "checks[" + i + "] (" + spec.name() + ")";
            for (Check check : create(spec, instanceId, where, netRaw, problems)) {
                runners.add(new CheckRunner(check, spec.interval(), spec.timeout(), spec.rise(), spec.fall(), workers));
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException("", problems);
        }
        return runners;
    }

    private static List<Check> create(CheckSpec spec, String instanceId, String where, boolean netRaw, List<String> problems) {
        return switch (spec.target()) {
            case CheckSpec.Tcp t -> List.of(new TcpCheck(spec.name(), t, t.tls() == null ? null : tls(t.tls(), where, problems)));
            case CheckSpec.Http h -> List.of(new HttpCheck(spec.name(), h,
                    "https".equalsIgnoreCase(h.url().getScheme()) ? tls(h.tls(), where, problems) : null));
            case CheckSpec.Command c -> List.of(new CommandCheck(spec.name(), c));
            case CheckSpec.Icmp icmp -> {
                requireNetRaw(netRaw, where, problems);
                yield List.of(new IcmpCheck(spec.name(), icmp.host()));
            }
            case CheckSpec.Peer p -> {
                List<Check> out = new ArrayList<>();
                for (CheckSpec.PeerAddress peer : p.peers()) {
                    if (peer.id().equals(instanceId)) {
                        continue; // one config for every candidate: an instance does not probe itself
                    }
                    String name = spec.name() + ":" + peer.id();
                    out.add(p.probe().equals("tcp")
                            ? new TcpCheck(name, new CheckSpec.Tcp(peer.address(), p.port(), null, null, null), null)
                            : new IcmpCheck(name, peer.address()));
                }
                if (p.probe().equals("icmp") && !out.isEmpty()) {
                    requireNetRaw(netRaw, where, problems);
                }
                yield out;
            }
        };
    }

    private static void requireNetRaw(boolean netRaw, String where, List<String> problems) {
        if (!netRaw) {
            problems.add(where + ": ICMP needs the CAP_NET_RAW capability, which this process does not have (without it the JDK would "
                    + "silently probe TCP port 7 instead). Fix: add AmbientCapabilities=CAP_NET_RAW to the systemd unit (the sample unit has it), "
                    + "or use a tcp check / probe: tcp.");
        }
    }

    private static SSLContext tls(TlsSettings settings, String where, List<String> problems) {
        try {
            return Tls.context(settings);
        } catch (IOException | GeneralSecurityException e) {
            problems.add(where + ".tls: cannot set up TLS (" + e.getMessage() + "). Fix: point caFile at a PEM file with the CA certificate(s).");
            return null;
        }
    }
}
