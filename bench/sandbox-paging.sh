#!/usr/bin/env bash
# Pages through all candidates of a 1,000,000-candidate sandbox (per_page=500, rate limit off, -Xmx256m).
# Builds nothing: run `mvn -o -q -DskipTests package` first. Usage: bench/sandbox-paging.sh [candidates]
set -euo pipefail
cd "$(dirname "$0")/.."
CANDIDATES="${1:-1000000}"
JAR=target/trellis.jar
[ -f "$JAR" ] || { echo "missing $JAR: run mvn -o -q -DskipTests package" >&2; exit 1; }
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
LOG=$(mktemp)
java -Xmx256m -jar "$JAR" sandbox --candidates "$CANDIDATES" --rate-limit 0 --port "$PORT" >"$LOG" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; rm -f "$LOG"' EXIT
for _ in $(seq 1 200); do
  grep -q 'Press Ctrl+C' "$LOG" && break
  kill -0 "$SERVER" 2>/dev/null || { cat "$LOG" >&2; exit 1; }
  sleep 0.1
done
CLIENT=$(grep '  client id' "$LOG" | awk '{print $3}')
SECRET=$(grep '  client secret' "$LOG" | awk '{print $3}')
SUB=$(grep '  Site Admin user id' "$LOG" | awk '{print $5}')
java -cp "$JAR" bench/SandboxPagingBench.java "http://127.0.0.1:$PORT" "$CLIENT" "$SECRET" "$SUB" "$CANDIDATES"
echo "server RSS after the run: $(ps -o rss= -p "$SERVER" | awk '{printf "%.0f MB", $1/1024}')"
