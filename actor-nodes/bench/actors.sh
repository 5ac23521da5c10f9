#!/usr/bin/env bash
# Rollouts/s and tokens/s of the actor fleet, end to end on the embedded broker, with the default
# model (ModelConfig.DEFAULT: d_model 128, 2 layers, context 1024; fresh weights).
#
#   actor-nodes/bench/actors.sh [TASKS] [GROUP_SIZE] [MAX_NEW_TOKENS] [ROUNDS]
#
# Defaults: 48 SRL tasks of G = 8 and 64 new tokens (fresh weights rarely sample EOS, so nearly
# every rollout is 64 tokens), 2 timed rounds after one warm-up. Each round runs one actor (TF
# default threads and one TF thread), two instances in one process (--count 2) and two actor
# processes (two services in one JVM, as separate processes would be), one TF thread each.
# Builds the test classes offline (MVN_FLAGS overrides "-o"); works from any directory.
set -euo pipefail

TASKS=${1:-48}
GROUP_SIZE=${2:-8}
NEW_TOKENS=${3:-64}
ROUNDS=${4:-2}
MVN_FLAGS=${MVN_FLAGS:--o}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/actors-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$ROOT"

echo "java: $(java -version 2>&1 | head -1), cores: $(nproc)" >&2
echo "building test classes ..." >&2
mvn $MVN_FLAGS -q -B -pl actor-nodes -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/classpath.txt" >&2
CLASSPATH="actor-nodes/target/test-classes:actor-nodes/target/classes:$(cat "$WORK/classpath.txt")"

TF_CPP_MIN_LOG_LEVEL=${TF_CPP_MIN_LOG_LEVEL:-2} \
  java -Djava.net.preferIPv4Stack=true -cp "$CLASSPATH" dev.srlstream.actor.ActorBenchmark \
  "$TASKS" "$GROUP_SIZE" "$NEW_TOKENS" "$ROUNDS"
