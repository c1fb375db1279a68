package io.github.vpcroutefailover.agent.config;

import java.nio.file.Path;

/**
 * TLS for a TCP or HTTPS check.
 *
 * @param verify     check the certificate chain and host name (default true)
 * @param caFile     PEM file with the CA(s) to trust instead of the JVM's default trust store; null for the default
 * @param serverName SNI and host name to verify; null means the check's host
 */
public record TlsSettings(boolean verify, Path caFile, String serverName) {
    public static final TlsSettings DEFAULT = new TlsSettings(true, null, null);
}
