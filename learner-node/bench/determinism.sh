#!/usr/bin/env bash
# Are GRPO updates bit-reproducible on this CPU? The same updates (default model, 4 groups x 8
# rollouts per batch, fixed random batches, seed 0) under several TensorFlow session thread
# settings, each in a JVM of its own, then every final weights file compared with the first.
#
#   learner-node/bench/determinism.sh [UPDATES] [SETTINGS...]
#
# Defaults: 5 updates; settings 1x1 1x1 2x1 1x2 2x2 4x1 8x4 0x0 0x0 1x1r (INTRAxINTER, 0 =
# TensorFlow's choice; a trailing r, the control, trains each batch's groups in reverse order; a k
# adds a KL penalty of 0.1 to a reference policy). Prints each run's weights SHA-256 prefix after
# every update, then a table: file vs the first run, bit-identical or not, and the largest |dw|.
# About 30 s per setting on 2 cores. Builds the test classes offline (MVN_FLAGS overrides "-o"); works from any directory.
set -euo pipefail

UPDATES=${1:-5}
shift || true
SETTINGS=("$@")
if [ ${#SETTINGS[@]} -eq 0 ]; then SETTINGS=(1x1 1x1 2x1 1x2 2x2 4x1 8x4 0x0 0x0 1x1r); fi
MVN_FLAGS=${MVN_FLAGS:--o}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/determinism.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$ROOT"

echo "java: $(java -version 2>&1 | head -1), cores: $(nproc), cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)" >&2
echo "building test classes ..." >&2
mvn $MVN_FLAGS -q -B -pl learner-node -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/classpath.txt" >&2
# A copy of the classes, so that a build running meanwhile cannot pull them from under the probe.
cp -r learner-node/target/test-classes "$WORK/test-classes"
cp -r learner-node/target/classes "$WORK/classes"
CLASSPATH="$WORK/test-classes:$WORK/classes:$(cat "$WORK/classpath.txt")"
run() {
  TF_CPP_MIN_LOG_LEVEL=${TF_CPP_MIN_LOG_LEVEL:-2} \
    java -cp "$CLASSPATH" dev.srlstream.learner.DeterminismProbe "$@"
}
# One JVM per setting and run: TensorFlow sizes its process-wide thread pools by the first session
# a process opens, so settings tried one after another in one JVM would all get the first one's.
n=0
for setting in "${SETTINGS[@]}"; do
  run run "$WORK" "p$n" "$UPDATES" "$setting"
  n=$((n + 1))
done
REF=$(ls "$WORK"/p0-*.bin)
echo "reference: $(basename "$REF")"
run compare "$REF" $(ls "$WORK"/p*.bin | grep -v "/$(basename "$REF")$")
