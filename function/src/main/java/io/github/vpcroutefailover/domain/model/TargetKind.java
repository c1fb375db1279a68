package io.github.vpcroutefailover.domain.model;

/** The kinds of next hop a VPC route can have, as EC2 reports them in a route. */
public enum TargetKind {
    INSTANCE,
    NETWORK_INTERFACE,
    NAT_GATEWAY,
    /** Internet gateway ("igw-"), virtual private gateway ("vgw-"), or the VPC's "local" gateway. */
    GATEWAY,
    TRANSIT_GATEWAY,
    VPC_PEERING_CONNECTION,
    /** A Gateway Load Balancer endpoint. */
    VPC_ENDPOINT,
    EGRESS_ONLY_INTERNET_GATEWAY,
    LOCAL_GATEWAY,
    CARRIER_GATEWAY,
    CORE_NETWORK,
    /**
     * A transit gateway attachment (VPC, VPN, Direct Connect gateway, peering, Connect): the next hop of a static
     * route in a transit gateway route table, never of a VPC route.
     */
    TRANSIT_GATEWAY_ATTACHMENT
}
