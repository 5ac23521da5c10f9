#!/usr/bin/env bash
# SequenceSimilarity (Java) against CPython's difflib on the same pairs: identical values, and speed.
#
#   scorer-stream/bench/similarity-vs-cpython.sh [PAIRS] [SEED] [ROUNDS]
#
# Defaults: 100000 pairs, seed 2510, 7 Java rounds in one warm JVM. autojunk is on (CPython's
# default, as the Python side runs; the reward's default is off); AUTOJUNK=false runs Java without
# it, which is only meaningful with matching Python, so it is not offered. Builds the test classes offline (MVN_FLAGS overrides "-o"); works from any
# directory. Prints pairs, mismatches, python seconds, java seconds and the speed ratio.
set -euo pipefail

PAIRS=${1:-100000}
SEED=${2:-2510}
ROUNDS=${3:-7}
MVN_FLAGS=${MVN_FLAGS:--o}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BENCH="$ROOT/scorer-stream/bench"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/similarity-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$ROOT"

echo "python: $(python3 --version 2>&1), java: $(java -version 2>&1 | head -1)" >&2
echo "building test classes ..." >&2
mvn $MVN_FLAGS -q -B -pl scorer-stream -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/classpath.txt" >&2
CLASSPATH="scorer-stream/target/test-classes:scorer-stream/target/classes:$(cat "$WORK/classpath.txt")"

echo "generating $PAIRS pairs (seed $SEED) ..." >&2
python3 "$BENCH/similarity_bench.py" generate "$WORK/pairs.jsonl" "$PAIRS" "$SEED"

echo "timing CPython difflib ..." >&2
PY_SECONDS=$(python3 "$BENCH/similarity_bench.py" time "$WORK/pairs.jsonl" "$WORK/python.txt")

echo "timing Java, $ROUNDS rounds ..." >&2
JAVA_OUT=$(java -cp "$CLASSPATH" dev.srlstream.scorer.reward.SimilarityBenchmark \
  "$WORK/pairs.jsonl" "$WORK/java.txt" "$ROUNDS" true)
echo "java rounds: $JAVA_OUT" >&2
JAVA_BEST=$(sed -n 's/.*best=\([0-9.]*\).*/\1/p' <<<"$JAVA_OUT")
JAVA_MEDIAN=$(sed -n 's/.*median=\([0-9.]*\).*/\1/p' <<<"$JAVA_OUT")

MISMATCHES=$(python3 "$BENCH/similarity_bench.py" compare "$WORK/python.txt" "$WORK/java.txt")

python3 - "$PAIRS" "$MISMATCHES" "$PY_SECONDS" "$JAVA_BEST" "$JAVA_MEDIAN" <<'PY'
import sys
pairs, mismatches, py, best, median = sys.argv[1:]
py, best, median = float(py), float(best), float(median)
print(f"pairs:                {pairs}")
print(f"mismatches:           {mismatches}")
print(f"python seconds:       {py:.3f}")
print(f"java seconds:         best {best:.4f}, median {median:.4f}")
print(f"speed ratio (py/java): {py / best:.1f}x best, {py / median:.1f}x median")
PY
[ "$MISMATCHES" = "0" ]
