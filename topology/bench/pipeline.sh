#!/usr/bin/env bash
# The pipeline benchmark (issue 15): the asynchronous pipeline against its synchronous twin
# (srl train --sync), the demo's SRL recipe from the same cached base, for the same training
# minutes, in ROUNDS rounds; round r trains every arm with seed r, the order alternating between
# rounds, each run in a JVM of its own with srl's heap (-Xmx1g). Before the
# rounds, the KV-cache sampler alone is timed on the same prompts (actor efficiency).
#
#   topology/bench/pipeline.sh [--minutes M] [--rounds R] [--test-problems N] [--out DIR]
#       [--arms "async sync ..."]
#
# Defaults: 3 training minutes, 3 rounds, 100 held-out problems, arms "async sync" (an arm is async
# or sync, optionally -<N>actors for N actor instances, e.g. async-2actors; the order of the arms
# is reversed in even rounds): about rounds x arms x (M + 2) + 1 minutes on 2 cores. The tables
# go to stdout and DIR/table.md (default DIR: runs/pipeline-<time>); each run's summary.json (its
# "pipeline" object) and logs/srl.log stay under DIR/round-<r>-<arm>.
# Builds the test classes offline (MVN_FLAGS overrides "-o"); works from any directory. Needs an
# otherwise idle machine: the figures are wall-clock rates.
set -euo pipefail

MINUTES=3
ROUNDS=3
TEST_PROBLEMS=100
OUT=""
ARMS="async sync"
SAMPLER_SECONDS=30
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) MINUTES=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --test-problems) TEST_PROBLEMS=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --arms) ARMS=$2; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "pipeline.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
case "$ROUNDS" in ''|*[!0-9]*|0) echo "pipeline.sh: --rounds must be a whole number >= 1, but was '$ROUNDS'" >&2; exit 2 ;; esac

MVN_FLAGS=${MVN_FLAGS:--o}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=${OUT:-$ROOT/runs/pipeline-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
cd "$ROOT"

echo "[pipeline] load before the run: $(uptime)" >&2
echo "[pipeline] building test classes ..." >&2
mvn $MVN_FLAGS -q -B -pl topology -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$OUT/classpath.txt" >&2
CLASSPATH="topology/target/test-classes:topology/target/classes:$(cat "$OUT/classpath.txt")"
export TF_CPP_MIN_LOG_LEVEL=${TF_CPP_MIN_LOG_LEVEL:-2}
bench() {
  java -Xmx1g -Djava.awt.headless=true -cp "$CLASSPATH" dev.srlstream.topology.PipelineBenchmark "$@"
}

bench prepare "$OUT"
echo "[pipeline] the KV-cache sampler alone, ${SAMPLER_SECONDS} s" >&2
bench sampler "$OUT" "$SAMPLER_SECONDS"
for round in $(seq 1 "$ROUNDS"); do
  if [ $((round % 2)) = 1 ]; then arms=$ARMS; else arms=$(echo "$ARMS" | tr ' ' '\n' | tac | tr '\n' ' '); fi
  for arm in $arms; do
    echo "[pipeline] round $round of $ROUNDS: $arm, seed $round, $MINUTES min ($(date +%H:%M:%S))" >&2
    bench run "$OUT/round-$round-$arm" "$arm" "$round" "$MINUTES" "$TEST_PROBLEMS" \
      > "$OUT/round-$round-$arm.out" 2>&1 || {
      echo "[pipeline] round $round $arm failed; see $OUT/round-$round-$arm.out" >&2; exit 1; }
    grep -E "^srl train: |final|status" "$OUT/round-$round-$arm.out" | tail -3 >&2 || true
  done
done
bench table "$OUT" | tee "$OUT/table.md"
echo "[pipeline] load at the end: $(uptime); results in $OUT" >&2
