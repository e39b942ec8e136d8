#!/usr/bin/env bash
# How fast the console's pages answer with many tenants (issue 15): N tenants connected through the API and
# backfilled on the packaged hub, plus dead letters and outbox history, then each page's API calls timed.
# Builds nothing: run `mvn -o -q -DskipTests package` first.
# Usage: bench/console.sh [N=1000] [--rounds 30] [--dead-letters 5000] [--outbox 20000]
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=target/trellis.jar
[ -f "$JAR" ] || { echo "missing $JAR: run mvn -o -q -DskipTests package" >&2; exit 1; }
echo "commit $(git rev-parse --short HEAD), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
java -Xmx256m -cp "$JAR" bench/ConsoleBench.java "${1:-1000}" "${@:2}" 2>&1 | grep --line-buffered -v '^Note: '
