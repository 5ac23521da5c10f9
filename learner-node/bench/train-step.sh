#!/usr/bin/env bash
# GRPO train-step time, tokens/s and the JVM's peak RSS at the default model size (ModelConfig.DEFAULT).
#
#   learner-node/bench/train-step.sh [GROUPS] [ROLLOUTS] [PROMPT] [RESPONSE] [STEPS] [INTRA_OP INTER_OP]
#
# Defaults: 8 groups x 8 rollouts, prompts of ~150 and responses of ~60 tokens (random printable
# bytes, lengths within +-20%), 10 timed steps after 2 warm-up steps; session threads default to
# TensorFlow's choice (0 0). Prints the median/mean/min/max step time, scored response tokens per
# second, fed positions per second, and VmHWM. Takes about a minute on 2 cores.
# Builds the test classes offline (MVN_FLAGS overrides "-o"); works from any directory.
set -euo pipefail

ARGS=("$@")
MVN_FLAGS=${MVN_FLAGS:--o}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/train-step-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$ROOT"

echo "java: $(java -version 2>&1 | head -1), cores: $(nproc)" >&2
echo "building test classes ..." >&2
# With -am every module writes the file in reactor order: learner-node, last, leaves its own
# classpath, with the sibling modules as their target/classes (not jars from ~/.m2).
mvn $MVN_FLAGS -q -B -pl learner-node -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/classpath.txt" >&2
CLASSPATH="learner-node/target/test-classes:learner-node/target/classes:$(cat "$WORK/classpath.txt")"

TF_CPP_MIN_LOG_LEVEL=${TF_CPP_MIN_LOG_LEVEL:-2} \
  java -cp "$CLASSPATH" dev.srlstream.learner.TrainStepBenchmark ${ARGS[@]+"${ARGS[@]}"}
