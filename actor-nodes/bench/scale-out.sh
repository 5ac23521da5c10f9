#!/usr/bin/env bash
# Scale-out benchmark: actor processes (each `srl actor`, an OS process of its own) joining one
# fleet on a backlog. Starts `srl infra up`, warms a base policy with `srl sft`, feeds a backlog of
# SRL tasks (G = 8, 64 new tokens at most), then starts actor 1, and after each window of W seconds
# one more, up to N. For each fleet size it prints the rollouts/s of every process and of the
# fleet over a window of W seconds, and for each joining process the seconds from its launch until
# it was ready (policy loaded, partitions assigned) and until its first group was acknowledged.
#   actor-nodes/bench/scale-out.sh [N=3] [W=20] [EPOCHS=20]
# Loopback only; stops every process it started, by PID.
set -euo pipefail
N=${1:-3}
W=${2:-20}
EPOCHS=${3:-20}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/scale-out.XXXXXX")
cd "$ROOT"
./srl --version >/dev/null # builds the jar when the sources changed
export TF_CPP_MIN_LOG_LEVEL=2

PIDS=()
stop_all() {
  local i
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    kill -TERM "${PIDS[i]}" 2>/dev/null || true
    wait "${PIDS[i]}" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap stop_all EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
# metric NAME PORT: the value of a counter, or 0 when not served yet
metric() {
  curl -fs "http://127.0.0.1:$2/metrics" 2>/dev/null | awk -v m="$1" '$1 == m { v = $2 } END { print v + 0 }'
}
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a - b }'; }

./srl data generate --out "$WORK/data" --train 60 --validation 4 --test 4 --max-steps 3 >/dev/null
./srl sft --data "$WORK/data/train.jsonl" --out "$WORK/base.bin" --updates 60 --batch 8 >/dev/null 2>&1
./srl infra up >"$WORK/up.out" 2>"$WORK/up.err" &
PIDS+=($!)
for _ in $(seq 1 300); do grep -q schema.registry.url "$WORK/up.out" 2>/dev/null && break; sleep 0.2; done
BS=$(sed -n 's/^bootstrap.servers=//p' "$WORK/up.out")
URL=$(sed -n 's/^schema.registry.url=//p' "$WORK/up.out")
./srl feed --bootstrap-servers "$BS" --schema-registry "$URL" --data "$WORK/data/train.jsonl" \
  --group-size 8 --max-new-tokens 64 --epochs "$EPOCHS" >"$WORK/feed.out"
echo "backlog: $(cat "$WORK/feed.out")"

PORTS=()
for a in $(seq 1 "$N"); do
  port=$(free_port)
  PORTS+=("$port")
  launched=$(now)
  ./srl actor --bootstrap-servers "$BS" --schema-registry "$URL" --base-policy "$WORK/base.bin" \
    --metrics-port "$port" 2>"$WORK/actor$a.err" &
  PIDS+=($!)
  ready=""
  first=""
  for _ in $(seq 1 1200); do
    if [[ -z "$ready" ]] && curl -fs "127.0.0.1:$port/health/ready" >/dev/null 2>&1; then
      ready=$(now)
    fi
    if [[ $(metric srl_actor_groups_total "$port") -gt 0 ]]; then
      first=$(now)
      break
    fi
    sleep 0.1
  done
  echo "actor $a: ready $(elapsed "${ready:-$launched}" "$launched") s after launch, first group" \
    "$(elapsed "${first:-$launched}" "$launched") s after launch ($(elapsed "${first:-$launched}" "${ready:-$launched}") s after ready)"
  sleep 5 # let the rebalance settle before the window
  declare -a before=()
  for p in "${PORTS[@]}"; do before+=("$(metric srl_actor_rollouts_total "$p")"); done
  start=$(now)
  sleep "$W"
  took=$(elapsed "$(now)" "$start")
  line="$a process(es):"
  total=0
  for i in "${!PORTS[@]}"; do
    done_now=$(metric srl_actor_rollouts_total "${PORTS[i]}")
    rate=$(awk -v d="$((done_now - before[i]))" -v t="$took" 'BEGIN { printf "%.0f", d / t }')
    total=$((total + rate))
    line+=" actor $((i + 1)) $rate/s;"
  done
  echo "$line fleet $total rollouts/s over ${took} s"
  if [[ -n "${DEBUG:-}" ]]; then
    for p in "${PORTS[@]}"; do curl -fs "127.0.0.1:$p/health"; echo; done
  fi
  unset before
done
