#!/usr/bin/env bash
# The outbox benchmark: N notes queued at once with the sandbox's rate limit off, notes accepted over REST at a
# steady rate, and M notes queued at once against a sandbox limited to 75 requests / 30 s (floor M / 75 x 30 s).
# Builds nothing: run `mvn -o -q -DskipTests package` first.
# Usage: bench/outbox-notes.sh [N=10000] [M=10000] [RATE_PER_SECOND=20] [SECONDS=30]
# (M=10000 takes ~67 minutes by construction: that is the floor the budget sets.)
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=target/trellis.jar
[ -f "$JAR" ] || { echo "missing $JAR: run mvn -o -q -DskipTests package" >&2; exit 1; }
LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT
echo "log: $LOG (hub and sandbox output)"
java -Xmx1g -cp "$JAR" bench/OutboxBench.java "${1:-10000}" "${2:-10000}" "${3:-20}" "${4:-30}" >"$LOG" 2>&1 || {
  tail -50 "$LOG" >&2; exit 1; }
grep '^outbox-bench' "$LOG"
