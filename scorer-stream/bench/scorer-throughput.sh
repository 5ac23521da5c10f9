#!/usr/bin/env bash
# The scorer benchmark (DESIGN.md section 3): scorer throughput with exactly_once_v2 against raw
# produce+consume of the same records on the same embedded broker, and reward latency at half that
# load. One JVM, one broker on 127.0.0.1, about 1.5-3 minutes.
#
#   scorer-stream/bench/scorer-throughput.sh [--records N] [--latency-seconds S] [--threads 1,2]
#       [--linger-ms L] [--instances I] [--seed X] [--latency-commit-50 auto|always|never]
#       [--warmup-records W] [--latency-rate R]
#
# Defaults: 40000 rollout steps, 20 s of latency, scorer runs with 1 and 2 threads, linger 5 ms,
# 16384 warm-up rollouts. See ScorerBenchmark's class comment for what each phase times.
# Builds the test classes offline (MVN_FLAGS overrides "-o"); works from any directory.
# JAVA_OPTS adds JVM flags (default heap -Xms1g -Xmx3g), e.g. a flight recording:
#   JAVA_OPTS="-XX:StartFlightRecording=filename=/tmp/scorer.jfr,settings=profile" scorer-throughput.sh
# LOGBACK names another logback file (e.g. Kafka Streams' state transitions at INFO, StreamThread's
# commits at DEBUG); JAVA_OPTS="-Dbench.stateRoot=/dev/shm" puts the latency phase's state stores
# there (the broker's log stays under TMPDIR; TMPDIR=/dev/shm moves both).
# --latency-rate R runs the warm-up and then only the latency phase, at R rollouts/s: the quick way
# to look at a fresh scorer's first seconds (-Dbench.timeline=true in JAVA_OPTS prints them in steps
# of 100 ms on stderr). JAVA_OPTS="-Dbench.brokerOverrides=k=v,k=v" sets broker properties, e.g.
# log.index.interval.bytes.
# The table goes to stdout; progress and warnings to stderr. Exit status 1 if a phase timed out or a
# scorer check failed (dead letters, duplicate rewards, groups missing); the numbers themselves are
# never pass/fail.
set -euo pipefail

MVN_FLAGS=${MVN_FLAGS:--o}
JAVA_OPTS=${JAVA_OPTS:-}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/scorer-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$ROOT"

echo "[bench] load before the run: $(uptime)" >&2
echo "[bench] building test classes ..." >&2
mvn $MVN_FLAGS -q -B -pl scorer-stream -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/classpath.txt" >&2
CLASSPATH="scorer-stream/target/test-classes:scorer-stream/target/classes:$(cat "$WORK/classpath.txt")"

# shellcheck disable=SC2086 # JAVA_OPTS is a list of flags
java -Xms1g -Xmx3g $JAVA_OPTS \
  -Dlogback.configurationFile="${LOGBACK:-$ROOT/scorer-stream/bench/logback-bench.xml}" \
  -Djava.io.tmpdir="$WORK" \
  -cp "$CLASSPATH" dev.srlstream.scorer.bench.ScorerBenchmark "$@"
