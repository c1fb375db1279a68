#!/usr/bin/env bash
# Measures the agent's footprint: RSS and CPU per check cycle with 10 checks at a 1 s interval, using the
# shaded jar and the JVM flags of samples/agent/vpc-route-failover-agent.service, publishing to the local
# test bed (moto). Everything it probes listens on 127.0.0.1.
#
# As against CloudWatch, the agent publishes over HTTPS: a TLS front (tls_front.py, a self-signed certificate
# for 127.0.0.1) sits before moto, and the agent trusts the JDK's own CA store plus that certificate, so the
# TLS stack and the CA store cost what they cost in production. FOOTPRINT_TLS=0 publishes over plain HTTP.
#
#   agent/bench/footprint.sh [SECONDS]        (default 600: shorter runs miss compile bursts and GC resizing; the
#                                              first 20 s are warm-up and not counted for CPU)
#
# FOOTPRINT_FLOOR=1 runs HttpsFloor.java instead of the agent: the same JVM flags and HTTPS publishing, nothing
# else, i.e. what the JVM and TLS cost before the agent's own code. FOOTPRINT_SMAPS=1 and FOOTPRINT_NMT=1 (with
# -XX:NativeMemoryTracking=summary in JAVA_OPTS) print where the memory is.
#
# Needs: the shaded jar (mvn -pl agent -am package), a JDK >= 21 (scripts/lib.sh find_jdk), the test bed
# running (scripts/local-aws start) with AWS_ENDPOINT_URL set (eval "$(scripts/local-aws env)"), python3,
# openssl and keytool (for the TLS front), root for the ICMP check (or remove it from the config below).
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib.sh
find_jdk
DURATION="${1:-600}"
WARMUP=20
(( DURATION > WARMUP + 10 )) || { echo "duration must be > $((WARMUP + 10)) s" >&2; exit 2; }
JAR="${FOOTPRINT_JAR:-$(ls agent/target/agent-*-all.jar | head -1)}"
[[ -f "$JAR" ]] || { echo "no shaded jar; run: mvn -B -ntp -pl agent -am package -DskipTests" >&2; exit 2; }
: "${AWS_ENDPOINT_URL:?point the agent at the test bed: eval \"\$(scripts/local-aws env)\"}"
JAVA_OPTS="${JAVA_OPTS:-$(sed -n 's/^Environment="JAVA_OPTS=\(.*\)"$/\1/p' samples/agent/vpc-route-failover-agent.service)}"
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"   # as in the unit
WORK="$(mktemp -d)"
cleanup() {
  [[ -n "${AGENT_PID:-}" ]] && kill "$AGENT_PID" 2>/dev/null && wait "$AGENT_PID" 2>/dev/null || true
  [[ -n "${HTTP_PID:-}" ]] && kill "$HTTP_PID" 2>/dev/null || true
  [[ -n "${TLS_PID:-}" ]] && kill "$TLS_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
HTTP_PORT=$(free_port)
echo ok > "$WORK/health"
python3 -m http.server "$HTTP_PORT" --bind 127.0.0.1 --directory "$WORK" >/dev/null 2>&1 &
HTTP_PID=$!
for _ in $(seq 1 50); do curl -s -o /dev/null "http://127.0.0.1:$HTTP_PORT/health" && break; sleep 0.1; done

PUBLISH_ENDPOINT="$AWS_ENDPOINT_URL"
if [[ "${FOOTPRINT_TLS:-1}" == 1 ]]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
    -keyout "$WORK/tls.key" -out "$WORK/tls.crt" 2>/dev/null
  # The JDK's CA store plus ours: loading ~150 CA certificates is part of what TLS costs the agent on EC2.
  keytool -importkeystore -srckeystore "$JAVA_HOME/lib/security/cacerts" -srcstorepass changeit \
    -destkeystore "$WORK/trust.p12" -deststoretype PKCS12 -deststorepass changeit -noprompt >/dev/null 2>&1
  keytool -importcert -alias footprint -file "$WORK/tls.crt" -keystore "$WORK/trust.p12" -storepass changeit -noprompt >/dev/null 2>&1
  TLS_PORT=$(free_port)
  upstream_port="${AWS_ENDPOINT_URL##*:}"; upstream_port="${upstream_port%%/*}"
  python3 agent/bench/tls_front.py "$WORK/tls.crt" "$WORK/tls.key" "$TLS_PORT" "$upstream_port" &
  TLS_PID=$!
  for _ in $(seq 1 50); do (exec 3<>"/dev/tcp/127.0.0.1/$TLS_PORT") 2>/dev/null && break; sleep 0.1; done
  PUBLISH_ENDPOINT="https://127.0.0.1:$TLS_PORT"
  JAVA_OPTS="$JAVA_OPTS -Djavax.net.ssl.trustStore=$WORK/trust.p12 -Djavax.net.ssl.trustStorePassword=changeit"
fi

# The AppCDS archive is created on the first run and used from the second, as on an instance after its first boot.
JAVA_OPTS="${JAVA_OPTS//\/var\/lib\/vpc-route-failover\/agent.jsa/$WORK/agent.jsa}"
cat > "$WORK/agent.yaml" <<YAML
instanceId: i-0f00tprint0000001
interval: 1s
endpoint: $PUBLISH_ENDPOINT
maintenanceFile: $WORK/maintenance
checks:
  - {name: http-1, type: http, url: "http://127.0.0.1:$HTTP_PORT/health", timeout: 500ms}
  - {name: http-2, type: http, url: "http://127.0.0.1:$HTTP_PORT/health", bodyContains: ok, timeout: 500ms}
  - {name: http-3, type: http, url: "http://127.0.0.1:$HTTP_PORT/missing", expectStatus: [404], timeout: 500ms}
  - {name: tcp-1, type: tcp, host: 127.0.0.1, port: $HTTP_PORT, timeout: 500ms}
  - {name: tcp-2, type: tcp, host: 127.0.0.1, port: $HTTP_PORT, send: "GET /health HTTP/1.0\r\n\r\n", expect: "200", timeout: 500ms}
  - {name: tcp-3, type: tcp, host: 127.0.0.1, port: 1, timeout: 500ms}
  - {name: cmd-1, type: command, command: [/bin/true], timeout: 500ms}
  - {name: cmd-2, type: command, command: [/bin/sh, -c, "test -r /proc/sys/net/ipv4/ip_forward"], timeout: 500ms}
  - {name: icmp-1, type: icmp, host: 127.0.0.1, timeout: 500ms}
  - name: peer
    type: peer
    probe: tcp
    port: $HTTP_PORT
    peers: [{id: i-0peer00000000001, address: 127.0.0.1}]
YAML

run_agent() { # seconds -> leaves samples in $WORK/samples
  if [[ -n "${FOOTPRINT_FLOOR:-}" ]]; then
    [[ -d "$WORK/floor" ]] || javac -d "$WORK/floor" agent/bench/HttpsFloor.java
    # shellcheck disable=SC2086
    java $JAVA_OPTS -cp "$WORK/floor" HttpsFloor "$PUBLISH_ENDPOINT" > "$WORK/agent.log" 2>&1 &
  else
    # shellcheck disable=SC2086
    java $JAVA_OPTS -jar "$JAR" run --config "$WORK/agent.yaml" > "$WORK/agent.log" 2>&1 &
  fi
  AGENT_PID=$!
  local tck; tck=$(getconf CLK_TCK)
  local start_ticks="" end_ticks t rss peak=0
  : > "$WORK/samples"
  for ((t = 1; t <= $1; t++)); do
    sleep 1
    kill -0 "$AGENT_PID" 2>/dev/null || { echo "agent died:"; cat "$WORK/agent.log"; exit 1; }
    rss=$(awk '/^VmRSS/ {print $2}' "/proc/$AGENT_PID/status")
    (( rss > peak )) && peak=$rss
    ticks=$(awk '{print $14 + $15}' "/proc/$AGENT_PID/stat")
    (( t == WARMUP )) && start_ticks=$ticks
    echo "$t $rss $ticks" >> "$WORK/samples"
  done
  end_ticks=$ticks
  local hwm; hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$AGENT_PID/status")
  if [[ -n "${FOOTPRINT_SMAPS:-}" ]]; then # resident memory per mapping: what RSS is made of
    awk '/^[0-9a-f]+-[0-9a-f]+ / {name = ($6 == "" ? "[anon]" : $6)} /^Rss:/ {rss[name] += $2} /^Anonymous:/ {an[name] += $2}
         END {for (n in rss) if (rss[n] > 200) printf "%8d kB resident %8d kB anonymous  %s\n", rss[n], an[n], n}' "/proc/$AGENT_PID/smaps" | sort -rn
  fi
  if [[ -n "${FOOTPRINT_NMT:-}" ]]; then # with JAVA_OPTS including -XX:NativeMemoryTracking=summary
    jcmd "$AGENT_PID" VM.native_memory summary | grep -E '^(Total|-)' || true
    jcmd "$AGENT_PID" GC.heap_info | grep -E 'total|space' || true
    jcmd "$AGENT_PID" GC.class_histogram | sed -n '1,18p;$p' || true
    echo "loaded classes: $(jcmd "$AGENT_PID" VM.classes | grep -c '^0x')"
    jcmd "$AGENT_PID" VM.classes | awk '/^0x/ {print $NF}' | sed -E 's/^([a-z]+\.[a-z]+(\.[a-z]+)?).*/\1/' | sort | uniq -c | sort -rn | head -15
  fi
  local anon file; anon=$(awk '/^RssAnon/ {print $2}' "/proc/$AGENT_PID/status"); file=$(awk '/^RssFile/ {print $2}' "/proc/$AGENT_PID/status")
  kill "$AGENT_PID"; wait "$AGENT_PID" || true; AGENT_PID=""
  # A footprint that does not publish is not the agent's footprint.
  if grep -q -e 'PutMetricData failed' -e 'could not publish' "$WORK/agent.log"; then
    echo "the agent could not publish; its log:" >&2; grep -e 'PutMetricData failed' -e 'could not publish' "$WORK/agent.log" | head -3 >&2; exit 1
  fi
  local cycles=$(( $1 - WARMUP ))
  echo "VmRSS at end: ${rss} kB (RssAnon ${anon} kB, RssFile ${file} kB); VmHWM (peak): ${hwm} kB"
  awk -v w="$WARMUP" '$1 >= w {s += $2; n++} END {printf "VmRSS mean after warm-up: %.0f kB over %d samples\n", s/n, n}' "$WORK/samples"
  awk '$1 % 30 == 0 {printf "%s%ds %d kB", (n++ ? ", " : "VmRSS over time: "), $1, $2} END {print ""}' "$WORK/samples"
  echo "CPU after warm-up: $((end_ticks - start_ticks)) ticks (CLK_TCK=$tck) over ${cycles} s = $(awk -v d=$((end_ticks - start_ticks)) -v c=$cycles -v k=$tck 'BEGIN {printf "%.2f ms per 1 s cycle (%.2f%% of one core)", d*1000/k/c, d*100/k/c}')"
}

echo "JVM: $(java -version 2>&1 | head -1)"
echo "JAVA_OPTS: $JAVA_OPTS"
echo "publishing to: $PUBLISH_ENDPOINT"
echo "== first start (creates the CDS archive), 30 s"
run_agent 30 >/dev/null
if [[ -f "$WORK/agent.jsa" ]]; then echo "CDS archive: $(stat -c %s "$WORK/agent.jsa") bytes"; else echo "no CDS archive (JAVA_OPTS without -XX:SharedArchiveFile)"; fi
echo "== measured run, $DURATION s"
run_agent "$DURATION"
