#!/bin/sh
# Installs the VPC Route Failover health agent from this tarball (docs/agent.md "Install as a systemd service").
#   sudo ./install.sh                 # into /, creates the vrf-agent user, enables and starts the service
#   ./install.sh --root /tmp/staging  # into a staging root (image builds, tests): files only, no user, no systemctl
# Keeps an existing /etc/vpc-route-failover/agent.yaml; the sample goes next to it as agent.yaml.sample.
# Needs a Java 21+ runtime at /usr/bin/java for the service (Amazon Linux 2023: dnf install java-21-amazon-corretto-headless).
set -eu
root=/
start=yes
while [ $# -gt 0 ]; do
  case "$1" in
    --root) root="${2:?--root needs a directory}"; shift 2 ;;
    --no-start) start=no; shift ;;
    -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option $1 (use --root DIR, --no-start)" >&2; exit 2 ;;
  esac
done
here="$(cd "$(dirname "$0")" && pwd)"
for f in agent.jar vpc-route-failover-agent.service agent.yaml; do
  [ -f "$here/$f" ] || { echo "install.sh: $f is missing next to install.sh; unpack the whole tarball" >&2; exit 2; }
done
real_root=no
[ "$root" = / ] && real_root=yes
if [ "$real_root" = yes ] && [ "$(id -u)" != 0 ]; then
  echo "install.sh: installing into / needs root (sudo ./install.sh), or use --root DIR" >&2
  exit 2
fi

install -d -m 0755 "$root/opt/vpc-route-failover" "$root/etc/systemd/system"
install -d -m 0750 "$root/etc/vpc-route-failover"
install -m 0644 "$here/agent.jar" "$root/opt/vpc-route-failover/agent.jar"
install -m 0644 "$here/vpc-route-failover-agent.service" "$root/etc/systemd/system/vpc-route-failover-agent.service"
if [ -f "$root/etc/vpc-route-failover/agent.yaml" ]; then
  install -m 0640 "$here/agent.yaml" "$root/etc/vpc-route-failover/agent.yaml.sample"
  echo "install.sh: kept the existing /etc/vpc-route-failover/agent.yaml (the new sample is agent.yaml.sample)"
else
  install -m 0640 "$here/agent.yaml" "$root/etc/vpc-route-failover/agent.yaml"
fi

if [ "$real_root" = yes ]; then
  id vrf-agent >/dev/null 2>&1 || useradd --system --no-create-home --shell /sbin/nologin vrf-agent
  # The agent user reads the config and the maintenance switch; root writes them.
  chown root:vrf-agent /etc/vpc-route-failover /etc/vpc-route-failover/agent.yaml
  /usr/bin/java -jar /opt/vpc-route-failover/agent.jar check-config --config /etc/vpc-route-failover/agent.yaml
  if [ "$start" = yes ] && command -v systemctl >/dev/null 2>&1; then
    systemctl daemon-reload
    systemctl enable --now vpc-route-failover-agent
  fi
fi
echo "install.sh: agent $(cat "$here/VERSION" 2>/dev/null || echo '?') installed under $root"
