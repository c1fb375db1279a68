# Shared helpers for the project's scripts. Source it; do not run it.
# shellcheck shell=bash

VRF_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# find_jdk: sets JAVA_HOME to a JDK >= 21. The machine default may be 17, so we
# look at JAVA_HOME first, then every JDK under /usr/lib/jvm, newest first.
find_jdk() {
  local candidates=() c v
  [[ -n "${JAVA_HOME:-}" ]] && candidates+=("$JAVA_HOME")
  while IFS= read -r c; do candidates+=("$c"); done < <(ls -d /usr/lib/jvm/*/ /opt/java/*/ "$HOME"/.sdkman/candidates/java/*/ 2>/dev/null | sed 's#/$##' | sort -rV)
  for c in "${candidates[@]}"; do
    [[ -x "$c/bin/javac" ]] || continue
    v="$("$c/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')"
    if [[ "${v%%.*}" =~ ^[0-9]+$ ]] && (( ${v%%.*} >= 21 )); then
      export JAVA_HOME="$c"
      export PATH="$JAVA_HOME/bin:$PATH"
      set_maven_opts "${v%%.*}"
      return 0
    fi
  done
  echo "error: no JDK 21 or newer found (looked at JAVA_HOME and /usr/lib/jvm/*)." >&2
  echo "       Install one (e.g. 'apt-get install temurin-21-jdk' or any JDK >= 21) and set JAVA_HOME to it." >&2
  return 1
}

# Maven flags every script uses: batch mode, no download progress noise.
MVN_FLAGS=(-B -ntp)

# jsii (used by the CDK Java bindings) warns on every run that Node 20 is past
# its end of life; the warning is noise for us, not an action item.
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1
export JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION=1

# The flags Maven's own JVM gets, chosen for the JDK find_jdk picked (never one that JDK refuses: a JVM given an
# unknown option does not start, so Maven would not run at all).
# --sun-misc-unsafe-memory-access=allow (JEP 471, JDK 23+): Maven's Guice/Guava call sun.misc.Unsafe, and JDK 24+
# warns about it on every run. JDK 21 and 22 do not know the option and refuse to start with it, so it is removed
# there too, in case a caller's MAVEN_OPTS came from a run on a newer JDK. Idempotent: scripts call find_jdk again
# in child processes that inherit MAVEN_OPTS.
UNSAFE_MEMORY_FLAG="--sun-misc-unsafe-memory-access=allow"
set_maven_opts() { # java feature version, e.g. 21
  local major="$1" opt words=() kept=()
  # Split on whitespace as mvn does, without glob expansion.
  read -r -a words <<< "${MAVEN_OPTS:-}"
  for opt in "${words[@]}"; do
    [[ "$opt" == "$UNSAFE_MEMORY_FLAG" ]] || kept+=("$opt")
  done
  if (( major >= 23 )); then kept+=("$UNSAFE_MEMORY_FLAG"); fi
  MAVEN_OPTS="${kept[*]:-}"
  export MAVEN_OPTS
}
