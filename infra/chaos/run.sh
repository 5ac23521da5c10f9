#!/usr/bin/env bash
# Chaos drill: runs the services by hand on embedded brokers, every one its own process as a user
# would (broker(s), registry, scorer, learner, actor), feeds a backlog of tasks, and while the
# fleet works through it: kills each of actor, scorer and learner with kill -9 and restarts it,
# kills a broker with kill -9 and restarts it on the same ports and log, and adds a second actor
# process. With one broker (`srl infra up`), the registry in its process goes down with it; with
# three (`srl infra broker` x 3, a process each, topics on 3 replicas with 2 in sync, and
# `srl infra registry` in a process of its own), broker 2 is the one killed. A service that exits on its own meanwhile is named and
# restarted. Then it waits until every task is worked off and checks the invariants from outside,
# counting ids on every topic (`srl audit`): no task or rollout lost, no reward twice, no task
# trained in two groups, versions only increasing, no more groups trained than consumed. Prints the
# audit and its verdict ("0 lost, 0 duplicated, N versions monotonic"); exits with its code.
#
# Usage: infra/chaos/run.sh [WORK_DIR] [EPOCHS] [BROKERS]   (defaults: a new temporary directory,
# kept; 2 epochs; 1 broker, or 3)
# Drained means nothing pending for the actors or the scorer, and fewer groups than one batch (4)
# waiting for the learner (the last ones, short of a batch, are held, not lost). Bounded: it gives
# up (exit 1) if the work has not drained 10 minutes after the last fault.
# Loopback only (every server binds 127.0.0.1); stops every process it started, by PID.
set -euo pipefail

here="$(cd "$(dirname "$0")/../.." && pwd)"
work="${1:-$(mktemp -d -t srl-chaos-XXXXXX)}"
epochs="${2:-2}"
brokers="${3:-1}"
[[ "$brokers" == 1 || "$brokers" == 3 ]] || { echo "BROKERS must be 1 or 3, but was $brokers"; exit 2; }
mkdir -p "$work/logs"
jar="$here/topology/target/srl.jar"
"$here/srl" --version >/dev/null # builds the jar when the sources changed
export TF_CPP_MIN_LOG_LEVEL=2
java_opts=(-Xmx512m -Djava.awt.headless=true)
drain_limit=600

declare -A pid_of
# Services first, newest first, and the broker last: a service stopped after its broker would
# wait out its clients' timeouts.
stop_all() {
  local name
  for name in actor2 actor learner scorer registry infra broker3 broker2 broker1; do
    if [[ -n "${pid_of[$name]:-}" ]]; then
      kill -TERM "${pid_of[$name]}" 2>/dev/null || true
      wait "${pid_of[$name]}" 2>/dev/null || true
    fi
  done
}
trap stop_all EXIT

# shellcheck source=lib.sh
source "$here/infra/chaos/lib.sh" # free_port, metric

say() { echo "[$(date +%T)] $*"; }

# start NAME ARGS...: starts `srl ARGS...` in the background, logging to logs/NAME.log
start() {
  local name=$1
  shift
  java "${java_opts[@]}" -jar "$jar" "$@" >>"$work/logs/$name.log" 2>&1 &
  pid_of[$name]=$!
}

kill9() {
  kill -9 "${pid_of[$1]}" 2>/dev/null || true
  wait "${pid_of[$1]}" 2>/dev/null || true
}

port_registry=$(free_port)
await_registry() {
  for _ in $(seq 1 240); do
    curl -fs "http://127.0.0.1:$port_registry/subjects" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  say "the registry did not start: $work/logs/$1.log"
  exit 1
}
if [[ "$brokers" == 1 ]]; then
  port_kafka=$(free_port)
  bootstrap="127.0.0.1:$port_kafka"
  start_infra() {
    start infra infra up --data-dir "$work/kafka" --kafka-port "$port_kafka" \
      --registry-port "$port_registry"
    await_registry infra
  }
  broker_to_kill=infra
else
  declare -A kafka_port
  controller_ports=""
  for node in 1 2 3; do
    kafka_port[$node]=$(free_port)
    controller_ports="${controller_ports:+$controller_ports,}$(free_port)"
  done
  bootstrap="127.0.0.1:${kafka_port[1]},127.0.0.1:${kafka_port[2]},127.0.0.1:${kafka_port[3]}"
  start_node() {
    start "broker$1" infra broker --node-id "$1" --controller-ports "$controller_ports" \
      --kafka-port "${kafka_port[$1]}" --data-dir "$work/kafka/node-$1"
  }
  await_node() {
    for _ in $(seq 1 240); do
      grep -q '^bootstrap.servers=' "$work/logs/broker$1.log" 2>/dev/null && return 0
      sleep 0.5
    done
    say "broker $1 did not start: $work/logs/broker$1.log"
    exit 1
  }
  start_infra() {
    # All at once: a node is ready only once a majority of the controllers runs.
    for node in 1 2 3; do start_node "$node"; done
    for node in 1 2 3; do await_node "$node"; done
    java "${java_opts[@]}" -jar "$jar" topics create --bootstrap-servers "$bootstrap" \
      --replication-factor 3 >"$work/logs/topics.log" 2>&1
    start registry infra registry --bootstrap-servers "$bootstrap" --port "$port_registry"
    await_registry registry
  }
  broker_to_kill=broker2
fi

say "chaos drill in $work"
java "${java_opts[@]}" -jar "$jar" data generate --out "$work/data" --train 400 --validation 4 \
  --test 4 --min-steps 2 --max-steps 3 --max-operand 9 --max-value 20 >"$work/logs/data.log" 2>&1
java "${java_opts[@]}" -jar "$jar" sft --data "$work/data/train.jsonl" --out "$work/base.bin" \
  --updates 100 --batch 8 >"$work/logs/sft.log" 2>&1
start_infra
cluster=(--bootstrap-servers "$bootstrap" --schema-registry "http://127.0.0.1:$port_registry")

declare -A port
for name in scorer learner actor actor2; do port[$name]=$(free_port); done
declare -A args
# Stable ids: restarted services rejoin their groups as the same static members.
args[scorer]="scorer ${cluster[*]} --state-dir $work/scorer-state --instance-id chaos-scorer --metrics-port ${port[scorer]}"
args[learner]="learner ${cluster[*]} --base-policy $work/base.bin --batch-groups 4 --checkpoint-dir $work/checkpoints --metrics-port ${port[learner]}"
args[actor]="actor ${cluster[*]} --base-policy $work/base.bin --actor-id chaos-actor --metrics-port ${port[actor]}"
args[actor2]="actor ${cluster[*]} --base-policy $work/base.bin --actor-id chaos-actor2 --metrics-port ${port[actor2]}"
# shellcheck disable=SC2086 # the argument lists are plain words
for name in scorer learner actor; do start "$name" ${args[$name]}; done
java "${java_opts[@]}" -jar "$jar" feed "${cluster[@]}" --data "$work/data/train.jsonl" \
  --group-size 8 --max-new-tokens 48 --epochs "$epochs" >"$work/logs/feed.log" 2>&1
say "$(cat "$work/logs/feed.log")"

for _ in $(seq 1 240); do
  [[ $(metric srl_learner_versions_published_total "${port[learner]}") -ge 3 ]] 2>/dev/null && break
  sleep 0.5
done
say "running: learner at $(metric srl_learner_versions_published_total "${port[learner]}") versions"

# revive: restarts any service whose process has ended on its own (named, so it shows)
revive() {
  local name
  for name in scorer learner actor actor2; do
    if [[ -n "${pid_of[$name]:-}" ]] && ! kill -0 "${pid_of[$name]}" 2>/dev/null; then
      say "$name had exited on its own (logs/$name.log); restarting it"
      # shellcheck disable=SC2086
      start "$name" ${args[$name]}
    fi
  done
}

faults=0
for name in actor scorer learner; do
  kill9 "$name"
  # shellcheck disable=SC2086
  start "$name" ${args[$name]}
  faults=$((faults + 1))
  say "killed $name with kill -9 and restarted it"
  sleep 15
  revive
done
kill9 "$broker_to_kill"
if [[ "$brokers" == 1 ]]; then
  say "killed the broker and registry with kill -9"
  sleep 5
  start_infra
  say "restarted the broker and registry on the same ports and log"
else
  say "killed broker 2 of 3 with kill -9"
  sleep 10
  mv "$work/logs/broker2.log" "$work/logs/broker2.before-kill.log"
  start_node 2
  await_node 2
  say "restarted broker 2 on the same ports and log"
fi
faults=$((faults + 1))
sleep 20
revive
# shellcheck disable=SC2086
start actor2 ${args[actor2]}
say "added a second actor process"

# Drained when the audit finds nothing pending and the learner has consumed every group.
deadline=$((SECONDS + drain_limit))
while true; do
  sleep 10
  revive
  java "${java_opts[@]}" -jar "$jar" audit "${cluster[@]}" --json "$work/audit.json" \
    >"$work/logs/audit.out" 2>>"$work/logs/audit.log" || true
  # The learner holds the last groups short of a batch (4) uncommitted: they are not lost.
  drained=$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))["report"]
print(int(r["tasks_pending"] == 0 and r["rollouts_pending"] == 0
          and r["groups"] - r["groups_consumed"] < 4))
' "$work/audit.json" 2>/dev/null || echo 0)
  if [[ "$drained" == 1 ]]; then
    break
  fi
  if ((SECONDS > deadline)); then
    say "not drained within ${drain_limit} s of the last fault; the last audit:"
    cat "$work/logs/audit.out"
    exit 1
  fi
done

say "drained after $faults faults and a second actor; the audit, counted by id on every topic:"
cat "$work/logs/audit.out"
clean=$(python3 -c 'import json, sys; print(int(json.load(open(sys.argv[1]))["clean"]))' \
  "$work/audit.json")
[[ "$clean" == 1 ]]
