#!/usr/bin/env bash
# The scorer's per-rollout codec and reward work timed alone on one thread, before and after issue
# 15 (CodecBenchmark): scorer-stream/bench/codec-bench.sh [groups, default 4000]. About 30 s.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/codec-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$ROOT"
mvn ${MVN_FLAGS:--o} -q -B -pl scorer-stream -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/classpath.txt" >&2
java -Xms1g -Xmx1g ${JAVA_OPTS:-} \
  -cp "scorer-stream/target/test-classes:scorer-stream/target/classes:$(cat "$WORK/classpath.txt")" \
  dev.srlstream.scorer.CodecBenchmark "$@"
