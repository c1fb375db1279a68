#!/bin/bash
# EC2 user data: install the VPC Route Failover health agent on Amazon Linux 2023.
# The instance profile needs cloudwatch:PutMetricData (condition cloudwatch:namespace = VpcRouteFailover).
# The checks below are the ones samples/config/nat-two-az.yaml waits for (validate checks it: function jar
# 'validate routes.yaml --agent agent.yaml'); put your NAT instances' ids and private IPs in the peer list.
# Replace AGENT_JAR_URL with where you publish agent-<version>-all.jar (e.g. an S3 bucket via a presigned URL).
set -euo pipefail
AGENT_JAR_URL="${AGENT_JAR_URL:-s3://my-artifacts/vpc-route-failover/agent-0.1.0-all.jar}"

dnf install -y java-21-amazon-corretto-headless
useradd --system --no-create-home --shell /sbin/nologin vrf-agent || true
install -d -m 0755 /opt/vpc-route-failover /etc/vpc-route-failover
aws s3 cp "$AGENT_JAR_URL" /opt/vpc-route-failover/agent.jar

cat > /etc/vpc-route-failover/agent.yaml <<'YAML'
interval: 1s
checks:
  - {name: ip-forward, type: command, command: ["/bin/sh", "-c", "test \"$(cat /proc/sys/net/ipv4/ip_forward)\" = 1"]}
  - {name: egress-https, type: http, url: "https://checkip.amazonaws.com/", interval: 5s, timeout: 2s}
  - {name: peer, type: peer, probe: icmp, timeout: 500ms, peers: [{id: i-0aaaaaaaaaaaaaaaa, address: 10.0.1.10}, {id: i-0bbbbbbbbbbbbbbbb, address: 10.0.2.10}]}
YAML
# The maintenance switch lives next to the config; the agent user only needs to read it.
chown root:vrf-agent /etc/vpc-route-failover && chmod 0750 /etc/vpc-route-failover

java -jar /opt/vpc-route-failover/agent.jar check-config --config /etc/vpc-route-failover/agent.yaml
# Same content as samples/agent/vpc-route-failover-agent.service (SamplesTest keeps them equal)
cat > /etc/systemd/system/vpc-route-failover-agent.service <<'UNIT'
# /etc/systemd/system/vpc-route-failover-agent.service
[Unit]
Description=VPC Route Failover health agent
Wants=network-online.target
After=network-online.target
# Withdraw-on-exit: order the agent after the service it vouches for (e.g. After=haproxy.service), so on
# shutdown systemd stops the agent first; it publishes Draining=1 (and holds for shutdown.holdFor) while the
# service still runs.

[Service]
Type=simple
User=vrf-agent
Group=vrf-agent
# ICMP and peer probes send real ICMP echo: raw sockets need this capability, nothing else does.
AmbientCapabilities=CAP_NET_RAW
CapabilityBoundingSet=CAP_NET_RAW
NoNewPrivileges=true
StateDirectory=vpc-route-failover
# JVM flags chosen for footprint (measured in BENCHMARKS.md, "Agent footprint"): SerialGC and a small heap that gives
# memory back after GC (the live set is a few MB plus the publish buffer, at most ~6 MB for 10000 datums), with the
# young generation capped at 1 MB (otherwise it grows to half the old generation after a full GC); C1 only
# (no C2 compiler threads or their memory), one compiler thread, and C1 thresholds raised so that only the code that
# runs every cycle gets compiled (half the JIT memory, same CPU per cycle); the C heap trimmed every 2 s, so
# memory the JIT and TLS handshakes freed goes back to the OS; small code cache and thread stacks; no perf-data
# mmap; and an AppCDS archive created on first start and reused afterwards (faster start, shared read-only class
# metadata). All of these exist on JDK 21 (Corretto 21) and later.
Environment="JAVA_OPTS=-XX:+UseSerialGC -Xms4m -Xmx24m -XX:MaxNewSize=1m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -Xss256k -XX:MaxMetaspaceSize=64m -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:Tier3InvocationThreshold=2000 -XX:Tier3MinInvocationThreshold=1000 -XX:Tier3CompileThreshold=20000 -XX:Tier3BackEdgeThreshold=600000 -XX:TrimNativeHeapInterval=2000 -XX:ReservedCodeCacheSize=16m -XX:MaxDirectMemorySize=8m -XX:-UsePerfData -XX:+AutoCreateSharedArchive -XX:SharedArchiveFile=/var/lib/vpc-route-failover/agent.jsa"
# Two malloc arenas instead of 8 per core: the agent's few threads do not contend, and each arena costs RSS.
Environment="MALLOC_ARENA_MAX=2"
ExecStart=/bin/sh -c 'exec /usr/bin/java $JAVA_OPTS -jar /opt/vpc-route-failover/agent.jar run --config /etc/vpc-route-failover/agent.yaml'
# SIGTERM -> the agent publishes Draining=1 within shutdown.publishTimeout and exits 0.
KillSignal=SIGTERM
# Must exceed shutdown.holdFor + shutdown.publishTimeout + publish.apiCallTimeout.
TimeoutStopSec=30
Restart=always
RestartSec=2
# Exit 2 means a bad config: restarting would not fix it.
RestartPreventExitStatus=2
MemoryMax=128M

[Install]
WantedBy=multi-user.target
UNIT
systemctl daemon-reload
systemctl enable --now vpc-route-failover-agent
