#!/bin/bash
# EC2 user data: install the VPC Route Failover health agent on Amazon Linux 2023 from the release tarball.
# Publish what scripts/release put in dist/<version>/ (vpc-route-failover-agent-<version>.tar.gz and SHA256SUMS)
# where instances can read it, e.g. an S3 prefix. The instance profile needs cloudwatch:PutMetricData (condition
# cloudwatch:namespace = VpcRouteFailover; the stack's AgentPolicyArn) and s3:GetObject on that prefix.
# The checks below are the ones samples/config/nat-two-az.yaml waits for (validate checks it:
# 'vrf validate routes.yaml --agent agent.yaml'); put your NAT instances' ids and private IPs in the peer list.
set -euo pipefail
VERSION="${VERSION:-0.1.0}"
ARTIFACTS="${ARTIFACTS:-s3://my-artifacts/vpc-route-failover/$VERSION}"
TARBALL="vpc-route-failover-agent-$VERSION.tar.gz"

dnf install -y java-21-amazon-corretto-headless
workdir="$(mktemp -d)"
cd "$workdir"
aws s3 cp "$ARTIFACTS/$TARBALL" .
aws s3 cp "$ARTIFACTS/SHA256SUMS" .
# Refuse a tarball whose checksum does not match the release's list.
grep "  $TARBALL\$" SHA256SUMS | sha256sum -c -
tar -xzf "$TARBALL"

# This host's checks. install.sh never overwrites an existing config (it puts the sample next to it).
install -d -m 0750 /etc/vpc-route-failover
cat > /etc/vpc-route-failover/agent.yaml <<'YAML'
interval: 1s
checks:
  - {name: ip-forward, type: command, command: ["/bin/sh", "-c", "test \"$(cat /proc/sys/net/ipv4/ip_forward)\" = 1"]}
  - {name: egress-https, type: http, url: "https://checkip.amazonaws.com/", interval: 5s, timeout: 2s}
  - {name: peer, type: peer, probe: icmp, timeout: 500ms, peers: [{id: i-0aaaaaaaaaaaaaaaa, address: 10.0.1.10}, {id: i-0bbbbbbbbbbbbbbbb, address: 10.0.2.10}]}
YAML
# The maintenance switch lives next to the config. install.sh installs the jar and the systemd unit
# (samples/agent/vpc-route-failover-agent.service), creates the vrf-agent user, lets it read the config,
# checks the config, and enables and starts the service.
"./vpc-route-failover-agent-$VERSION/install.sh"
