#!/bin/bash
# The entity page under wrk against a running `serve`, with the server's CPU time per
# request (user + system, from /proc) beside wrk's latency: on a shared machine, CPU
# time per request moves far less with other processes' load than latency does.
# Run from the repository root:
#   benches/wrk/cpu-per-request.sh PORT CONNECTIONS SECONDS [ENTITY_ID ...]
set -euo pipefail
port=$1 connections=$2 seconds=$3
shift 3
pid=$(ss -ltnp "sport = :$port" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
[ -n "$pid" ] || { echo "nothing listens on port $port: start serve first" >&2; exit 1; }
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
before=$(ticks)
out=$(wrk -t1 -c"$connections" -d"${seconds}s" --latency -s benches/wrk/entity.lua "http://127.0.0.1:$port/graphql" ${1:+--} "$@")
after=$(ticks)
requests=$(echo "$out" | awk '/requests in/ {print $1}')
hz=$(getconf CLK_TCK)
echo "connections=$connections req/s=$(echo "$out" | awk '/Requests\/sec/ {print $2}')" \
  "p50=$(echo "$out" | awk '$1 == "50%" {print $2}') p99=$(echo "$out" | awk '$1 == "99%" {print $2}')" \
  "cpu_ms_per_request=$(awk -v t=$((after - before)) -v n="$requests" -v hz="$hz" 'BEGIN {printf "%.3f", t * 1000 / hz / n}')" \
  "load=$(cut -d' ' -f1 /proc/loadavg)"
