#!/usr/bin/env bash
# What one Hugging Face model directory costs here: load, policy build, KV-cache sampling, GRPO train step,
# peak RSS.
#
#   learner-node/bench/hf-model.sh DIR [BATCH] [PROMPT_TOKENS] [NEW_TOKENS] [ROUNDS] [GROUPS] [ROLLOUTS]
#
# DIR holds config.json, model.safetensors and tokenizer.json (Qwen2 or GPT-2), e.g.
# policy/src/test/resources/hf/qwen2-tiny, or the random GPT-2 small of
# `python3 policy/src/test/python/make_hf_reference.py --gpt2-small /tmp/gpt2-small` (124 M parameters).
# Defaults: sampling groups of 8 rows from one prompt of 64 tokens, 32 new tokens each, no stop token;
# train steps of 2 groups x 8 rollouts, prompts ~64 and responses ~32 tokens (random ids of the model's
# tokenizer, lengths within +-20%), GRPO with the default trainer config (KL off: no reference model);
# 3 timed rounds after one warm-up, alternating sampling and training; medians printed. GROUPS 0
# skips training. Session threads are TensorFlow's choice (all cores).
#
# Heap: HEAP (default 3g) becomes -Xmx. The heap holds at most about three float copies of the weights
# at once (the model read from safetensors, its weights-format bytes and their decoded copy when the
# trainer takes them): 124 M parameters ran at 2g, 3g leaves room. TensorFlow's copies (policy,
# trainer, Adam's two moments, gradients, activations) are native memory, outside the heap.
# JAVA_OPTS adds JVM options.
# The tiny models take seconds; GPT-2 small takes about a minute on 2 cores and ~9 GB resident.
# Builds the test classes offline (MVN_FLAGS overrides "-o"); works from any directory.
set -euo pipefail

if [ $# -lt 1 ]; then
  sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
DIR=$(cd "$1" && pwd)
shift
ARGS=("$@")
HEAP=${HEAP:-3g}
MVN_FLAGS=${MVN_FLAGS:--o}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/hf-model-bench.XXXXXX")
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
  java "-Xmx$HEAP" ${JAVA_OPTS:-} -cp "$CLASSPATH" dev.srlstream.learner.HfModelBenchmark "$DIR" \
  ${ARGS[@]+"${ARGS[@]}"}
