#!/usr/bin/env bash
# Recovery drill: runs the services by hand on the embedded broker (every one its own process, as a
# user would), kills each of actor, scorer and learner in turn with kill -9 mid-run, restarts it at
# once with the same command line, and measures how long the restarted process takes to work again
# (from its own /metrics: the actor's first acknowledged rollout, the scorer's first reward, the
# learner's first published version). Prints one line per service and a summary table.
#
# With OUTAGE_SECONDS > 0 each service stays down that long before its restart, and the drill
# counts what became of the work sampled meanwhile: the groups the actor completed while the
# scorer or the learner was down, and how many groups the learner dropped as stale from the kill
# until 30 s after the restart (the rest of them were trained, or filtered by dynamic sampling).
#
# Usage: infra/chaos/recovery.sh [WORK_DIR] [OUTAGE_SECONDS]   (default: a new temporary
# directory, kept; no outage)
# Loopback only (every server binds 127.0.0.1); stops every process it started, by PID.
set -euo pipefail

here="$(cd "$(dirname "$0")/../.." && pwd)"
work="${1:-$(mktemp -d -t srl-recovery-XXXXXX)}"
mkdir -p "$work/logs"
jar="$here/topology/target/srl.jar"
"$here/srl" --version >/dev/null # builds the jar when the sources changed
export TF_CPP_MIN_LOG_LEVEL=2
java_opts=(-Xmx512m -Djava.awt.headless=true)
limit=120 # seconds to wait for a restarted service before calling it failed
outage="${2:-0}"

pids=()
# Services first, newest first, and the broker last: a service stopped after its broker would
# wait out its clients' timeouts.
stop_all() {
  local i
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill -TERM "${pids[i]}" 2>/dev/null || true
    wait "${pids[i]}" 2>/dev/null || true
  done
}
trap stop_all EXIT

# shellcheck source=lib.sh
source "$here/infra/chaos/lib.sh" # free_port, metric

# start NAME ARGS...: starts `srl NAME ARGS...` in the background, logging to logs/NAME.log
start() {
  local name=$1
  shift
  java "${java_opts[@]}" -jar "$jar" "$@" >>"$work/logs/$name.log" 2>&1 &
  local pid=$!
  pids+=("$pid")
  eval "pid_$name=$pid"
}

echo "recovery drill in $work"
java "${java_opts[@]}" -jar "$jar" data generate --out "$work/data" --train 400 --validation 4 \
  --test 4 --min-steps 2 --max-steps 3 --max-operand 9 --max-value 20 >"$work/logs/data.log" 2>&1
java "${java_opts[@]}" -jar "$jar" sft --data "$work/data/train.jsonl" --out "$work/base.bin" \
  --updates 100 --batch 8 >"$work/logs/sft.log" 2>&1

java "${java_opts[@]}" -jar "$jar" infra up --data-dir "$work/kafka" >"$work/logs/infra.out" \
  2>"$work/logs/infra.log" &
pids+=("$!")
for _ in $(seq 1 120); do
  grep -q '^schema.registry.url=' "$work/logs/infra.out" 2>/dev/null && break
  sleep 0.5
done
bootstrap=$(sed -n 's/^bootstrap.servers=//p' "$work/logs/infra.out")
registry=$(sed -n 's/^schema.registry.url=//p' "$work/logs/infra.out")
[[ -n "$bootstrap" && -n "$registry" ]] || { echo "the broker did not start: $work/logs/infra.log"; exit 1; }
cluster=(--bootstrap-servers "$bootstrap" --schema-registry "$registry")

port_scorer=$(free_port)
port_learner=$(free_port)
port_actor=$(free_port)
# Stable ids: the restarted actor and scorer rejoin their groups as the same static members.
args_scorer=(scorer "${cluster[@]}" --state-dir "$work/scorer-state" --instance-id drill-scorer
  --metrics-port "$port_scorer")
args_learner=(learner "${cluster[@]}" --base-policy "$work/base.bin" --batch-groups 4
  --checkpoint-dir "$work/checkpoints" --metrics-port "$port_learner")
args_actor=(actor "${cluster[@]}" --base-policy "$work/base.bin" --actor-id drill-actor
  --metrics-port "$port_actor")
start scorer "${args_scorer[@]}"
start learner "${args_learner[@]}"
start actor "${args_actor[@]}"
java "${java_opts[@]}" -jar "$jar" feed "${cluster[@]}" --data "$work/data/train.jsonl" \
  --group-size 8 --max-new-tokens 48 --epochs 30 >"$work/logs/feed.log" 2>&1

# The run is under way once the learner has published a few versions.
for _ in $(seq 1 $((limit * 2))); do
  [[ $(metric srl_learner_versions_published_total "$port_learner") -ge 3 ]] 2>/dev/null && break
  sleep 0.5
done
echo "running: learner at $(metric srl_learner_versions_published_total "$port_learner") versions"

declare -A progress=(
  [actor]=srl_actor_rollouts_total
  [scorer]=srl_scorer_rewards_total
  [learner]=srl_learner_versions_published_total
)
declare -A recovered
declare -A sampled
declare -A dropped
for name in actor scorer learner; do
  port_var="port_$name"
  pid_var="pid_$name"
  args_var="args_${name}[@]"
  groups_at_kill=$(metric srl_actor_groups_total "$port_actor")
  dropped_at_kill=$(metric srl_learner_groups_dropped_stale_total "$port_learner")
  kill -9 "${!pid_var}"
  wait "${!pid_var}" 2>/dev/null || true
  killed=$(date +%s.%N)
  if [[ "$outage" -gt 0 ]]; then
    sleep "$outage"
    if [[ "$name" == actor ]]; then
      sampled[$name]=0
    else
      sampled[$name]=$(($(metric srl_actor_groups_total "$port_actor") - groups_at_kill))
    fi
  fi
  start "$name" "${!args_var}"
  took=""
  while true; do
    now=$(date +%s.%N)
    if awk -v a="$now" -v b="$killed" -v l="$limit" 'BEGIN { exit !(a - b > l) }'; then
      break
    fi
    if [[ $(metric "${progress[$name]}" "${!port_var}") -gt 0 ]] 2>/dev/null; then
      took=$(awk -v a="$now" -v b="$killed" 'BEGIN { printf "%.1f", a - b }')
      break
    fi
    sleep 0.25
  done
  recovered[$name]="${took:-not within ${limit} s}"
  if [[ "$outage" -gt 0 ]]; then
    echo "$name: killed with kill -9, down ${outage} s; working again $(awk -v a="${took:-0}" -v o="$outage" 'BEGIN { printf "%.1f", a - o }') s after its restart"
    sleep 30 # the backlog reaches the learner
    dropped_now=$(metric srl_learner_groups_dropped_stale_total "$port_learner")
    # A restarted learner counts from 0.
    if [[ "$name" == learner ]]; then
      dropped_at_kill=0
    fi
    dropped[$name]=$((dropped_now - dropped_at_kill))
    echo "$name: ${sampled[$name]} groups sampled while it was down; ${dropped[$name]} groups dropped as stale from the kill until 30 s after the restart"
  else
    echo "$name: killed with kill -9, restarted at once; working again after ${recovered[$name]} s"
  fi
  sleep 5 # let the run settle before the next fault
done

echo
if [[ "$outage" -gt 0 ]]; then
  echo "| service down ${outage} s | groups sampled meanwhile | dropped as stale after | trained or filtered |"
  echo "|---|---:|---:|---:|"
  for name in scorer learner; do
    echo "| $name | ${sampled[$name]} | ${dropped[$name]} | $(awk -v s="${sampled[$name]}" -v d="${dropped[$name]}" 'BEGIN { if (s > 0 && d <= s) printf "%.0f%%", 100 * (s - d) / s; else printf "-" }') |"
  done
else
  echo "| service | working again after kill -9 and an immediate restart |"
  echo "|---|---|"
  for name in actor scorer learner; do
    echo "| $name | ${recovered[$name]} s |"
  done
fi
