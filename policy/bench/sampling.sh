#!/usr/bin/env bash
# KV-cache sampling against full recompute at the default model size (ModelConfig.DEFAULT).
#
#   policy/bench/sampling.sh [PROMPT_LENGTHS] [BATCH] [NEW_TOKENS] [ROUNDS] [INTRA_OP INTER_OP]
#
# Defaults: prompt lengths 64,256,700 tokens, batch 8, 64 new tokens per row, 5 timed rounds after
# one warm-up; the rounds alternate between the samplers so machine load hits both alike, and the
# medians are printed. No stop token, so every row generates NEW_TOKENS tokens. Session threads
# default to TensorFlow's choice (0 0). Takes about 2 minutes on 2 cores.
# Builds the test classes offline (MVN_FLAGS overrides "-o"); works from any directory.
set -euo pipefail

PROMPTS=${1:-64,256,700}
BATCH=${2:-8}
NEW_TOKENS=${3:-64}
ROUNDS=${4:-5}
THREADS=("${@:5}")
MVN_FLAGS=${MVN_FLAGS:--o}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/sampling-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$ROOT"

echo "java: $(java -version 2>&1 | head -1), cores: $(nproc)" >&2
echo "building test classes ..." >&2
mvn $MVN_FLAGS -q -B -pl policy -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/classpath.txt" >&2
CLASSPATH="policy/target/test-classes:policy/target/classes:$(cat "$WORK/classpath.txt")"

TF_CPP_MIN_LOG_LEVEL=${TF_CPP_MIN_LOG_LEVEL:-2} \
  java -cp "$CLASSPATH" dev.srlstream.policy.SamplingBenchmark "$PROMPTS" "$BATCH" "$NEW_TOKENS" "$ROUNDS" \
  ${THREADS[@]+"${THREADS[@]}"}
