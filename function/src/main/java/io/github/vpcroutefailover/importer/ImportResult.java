package io.github.vpcroutefailover.importer;

/**
 * @param routesYaml our route config (passes {@code vrf validate})
 * @param agentYaml  the on-instance agent's checks for the imported health checks, or null when there are none
 */
public record ImportResult(String routesYaml, String agentYaml, ImportReport report) {
}
