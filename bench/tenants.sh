#!/usr/bin/env bash
# Many tenants connected at runtime (issue 12): N tenants of 200 candidates each connected through POST /api/tenants
# to the packaged hub (embedded PostgreSQL; --instances 2 adds a second hub on the same database), then the time
# until every stream of every tenant has run, requests against the minimum, heap after GC, database connections.
# Builds nothing: run `mvn -o -q -DskipTests package` first.
# Usage: bench/tenants.sh [N=10] [more TenantsBench options, e.g. --instances 2 --timeout-minutes 30]
#        bench/tenants.sh 200 --freshness --minutes 10      # one 1,000,000-candidate tenant + 200 small ones
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=target/trellis.jar
[ -f "$JAR" ] || { echo "missing $JAR: run mvn -o -q -DskipTests package" >&2; exit 1; }
N=${1:-10}
shift || true
echo "commit $(git rev-parse --short HEAD), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
java -Xmx256m -cp "$JAR" bench/TenantsBench.java "$N" "$@" 2>&1 | grep --line-buffered -v '^Note: '
