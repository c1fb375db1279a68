package io.github.vpcroutefailover.domain.model;

/** A network interface as EC2 reports it; {@code attachedInstanceId} is null when detached. */
public record ObservedEni(String eniId, String attachedInstanceId, int deviceIndex, String zone, String subnetId,
                          String privateIp, boolean sourceDestCheck, String status) {
}
