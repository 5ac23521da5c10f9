#!/usr/bin/env bash
# Rollouts/s and tokens/s of N separate actor processes (OS processes, each `srl actor`) on one
# machine: starts `srl infra up`, warms a base policy with `srl sft` on generated 1-3-step problems,
# starts N actors, feeds 118 SRL tasks of G=8 (64 new tokens at most) and times from the feed until
# the actors' /metrics count every task completed. JIT warm-up is included.
#   actor-nodes/bench/actor-processes.sh N
set -euo pipefail
N=${1:-1}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
W=$(mktemp -d "${TMPDIR:-/tmp}/actor-bench.XXXXXX")
trap 'rm -rf "$W"' EXIT
cd "$ROOT"
./srl data generate --out $W/data --train 60 --validation 4 --test 4 --max-steps 3 >/dev/null
./srl sft --data $W/data/train.jsonl --out $W/base.bin --updates 60 --batch 8 >/dev/null 2>&1
./srl infra up > $W/up.out 2> $W/up.err & IP=$!
for i in $(seq 1 300); do grep -q schema.registry.url $W/up.out 2>/dev/null && break; sleep 0.2; done
BS=$(grep bootstrap $W/up.out | cut -d= -f2); URL=$(grep schema.registry.url $W/up.out | cut -d= -f2)
PIDS=()
for a in $(seq 1 $N); do
  ./srl actor --bootstrap-servers $BS --schema-registry $URL --base-policy $W/base.bin --metrics-port $((18980+a)) 2> $W/actor$a.err & PIDS+=($!)
done
for a in $(seq 1 $N); do for i in $(seq 1 200); do curl -sf 127.0.0.1:$((18980+a))/health/ready >/dev/null && break; sleep 0.3; done; done
./srl feed --bootstrap-servers $BS --schema-registry $URL --data $W/data/train.jsonl --group-size 8 --max-new-tokens 64 >/dev/null
START=$(date +%s.%N); TOTAL=118
while true; do
  DONE=0; TOK=0
  for a in $(seq 1 $N); do
    M=$(curl -s 127.0.0.1:$((18980+a))/metrics)
    DONE=$((DONE + $(echo "$M" | awk '/^srl_actor_tasks_completed_total/{print int($2)}')))
    TOK=$((TOK + $(echo "$M" | awk '/^srl_actor_response_tokens_total/{print int($2)}')))
  done
  [ $DONE -ge $TOTAL ] && break; sleep 0.2
done
END=$(date +%s.%N)
python3 -c "t=$END-$START; print(f'actor processes: $N; tasks {$DONE}; rollouts {$DONE*8}; seconds {t:.1f}; rollouts/s {$DONE*8/t:.0f}; tokens/s {$TOK/t:.0f}')"
for p in "${PIDS[@]}"; do kill -TERM $p; done; for p in "${PIDS[@]}"; do wait $p || true; done
kill -TERM $IP; wait $IP || true
