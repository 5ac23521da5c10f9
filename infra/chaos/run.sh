#!/usr/bin/env bash
# Chaos drill: runs the services by hand on the embedded broker, every one its own process as a
# user would (broker and registry, scorer, learner, actor), feeds a backlog of tasks, and while the
# fleet works through it: kills each of actor, scorer and learner with kill -9 and restarts it,
# kills the broker (and the registry in its process) with kill -9 and restarts it on the same ports
# and log, and adds a second actor process. A service that exits on its own meanwhile is named and
# restarted. Then it waits until every task is worked off and checks the invariants from outside,
# counting ids on every topic (`srl audit`): no task or rollout lost, no reward twice, no task
# trained in two groups, versions only increasing, no more groups trained than consumed. Prints the
# audit and its verdict ("0 lost, 0 duplicated, N versions monotonic"); exits with its code.
#
# Usage: infra/chaos/run.sh [WORK_DIR] [EPOCHS]   (default: a new temporary directory, kept; 2)
# Drained means nothing pending for the actors or the scorer, and fewer groups than one batch (4)
# waiting for the learner (the last ones, short of a batch, are held, not lost). Bounded: it gives
# up (exit 1) if the work has not drained 10 minutes after the last fault.
# Loopback only (every server binds 127.0.0.1); stops every process it started, by PID.
set -euo pipefail

here="$(cd "$(dirname "$0")/../.." && pwd)"
work="${1:-$(mktemp -d -t srl-chaos-XXXXXX)}"
epochs="${2:-2}"
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
  for name in actor2 actor learner scorer infra; do
    if [[ -n "${pid_of[$name]:-}" ]]; then
      kill -TERM "${pid_of[$name]}" 2>/dev/null || true
      wait "${pid_of[$name]}" 2>/dev/null || true
    fi
  done
}
trap stop_all EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# metric NAME PORT: the value of a metric (summed over its labels), or -1 when not served
metric() {
  { curl -fs "http://127.0.0.1:$2/metrics" 2>/dev/null || true; } \
    | awk -v m="$1" '$1 == m || index($1, m "{") == 1 { s += $2; found = 1 } END { print found ? s : -1 }'
}

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

port_kafka=$(free_port)
port_registry=$(free_port)
start_infra() {
  start infra infra up --data-dir "$work/kafka" --kafka-port "$port_kafka" \
    --registry-port "$port_registry"
  for _ in $(seq 1 240); do
    curl -fs "http://127.0.0.1:$port_registry/subjects" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  say "the broker and registry did not start: $work/logs/infra.log"
  exit 1
}

say "chaos drill in $work"
java "${java_opts[@]}" -jar "$jar" data generate --out "$work/data" --train 400 --validation 4 \
  --test 4 --min-steps 2 --max-steps 3 --max-operand 9 --max-value 20 >"$work/logs/data.log" 2>&1
java "${java_opts[@]}" -jar "$jar" sft --data "$work/data/train.jsonl" --out "$work/base.bin" \
  --updates 100 --batch 8 >"$work/logs/sft.log" 2>&1
start_infra
cluster=(--bootstrap-servers "127.0.0.1:$port_kafka" --schema-registry "http://127.0.0.1:$port_registry")

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
kill9 infra
say "killed the broker and registry with kill -9"
sleep 5
start_infra
faults=$((faults + 1))
say "restarted the broker and registry on the same ports and log"
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
