#!/usr/bin/env bash
# Partner connections over sandbox time (issue 13): N partner connections (default 200) made through the OAuth flow on
# two hubs sharing one database, access tokens living --ttl seconds (default 60) on the sandbox's clock, which is
# advanced one lifetime per step (--steps, default 30) while both hubs use every connection; exit 1 on any
# invalid_grant, lost refresh token, disconnected tenant, or refreshes per grant outside [steps, lifetimes elapsed].
# Builds nothing: run `mvn -o -q -DskipTests package` first.
# Usage: bench/partner-soak.sh [--connections 200] [--steps 30] [--ttl 60] [--pause-seconds 3]
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=target/trellis.jar
[ -f "$JAR" ] || { echo "missing $JAR: run mvn -o -q -DskipTests package" >&2; exit 1; }
echo "commit $(git rev-parse --short HEAD), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
java -Xmx256m -cp "$JAR" bench/PartnerSoakBench.java "$@" 2>&1 | grep --line-buffered -v '^Note: '
