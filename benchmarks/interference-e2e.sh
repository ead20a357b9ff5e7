#!/usr/bin/env bash
# Interference: does other traffic slow the jobs a provider has admitted? Three node processes: the insurer runs psi-count
# jobs with the bureau over N keys a side (default 10^4); the carrier is paired with the bureau but holds no grant of it.
# The script times JOBS jobs (default 20) one after another, in BLOCKS (default 4) that alternate between idle nodes and nodes
# under this load:
#   - CLIENTS (default 50) local gRPC clients, half on the insurer and half on the bureau, each make PACE calls a second
#     (default 2; 0: back to back), listing jobs and describing the node in turn,
#   - CLI (default 1) shell loops run a `privacynode job list` (insurer) or `node info` (bureau) process every second, and
#   - the carrier makes RATE (default 100) job calls a second that the bureau refuses (a grant that does not exist,
#     with validly signed receipts: each goes through the policy decision and its audit budget).
# It prints the median job time of each phase, the slowdown, the load each loaded block achieved, and the share of a core
# each process takes under the load alone. A job's time is the requester's own record of it, from its start to its end.
#
#   bash benchmarks/interference-e2e.sh              # 20 jobs a phase, 10^4 keys
#   CLI=0 RATE=200 bash benchmarks/interference-e2e.sh 100000
#
# PRIVACYNODE_CLI may name an already built privacynode executable.
set -euo pipefail
items=${1:-10000}
jobs=${JOBS:-20}
blocks=${BLOCKS:-4}
clients=${CLIENTS:-50}
pace=${PACE:-2}
rate=${RATE:-100}
cli=${CLI:-1}
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/samples/local-nodes.sh"
dotnet build "$root/benchmarks/PrivacyNode.Node.Benchmarks" -c Release -nologo -v quiet >/dev/null
load="$root/artifacts/bin/PrivacyNode.Node.Benchmarks/release/PrivacyNode.Node.Benchmarks"

start_nodes insurer bureau carrier
as() { local name=$1; shift; pn "$@" --data-dir "$work/$name" --token-file "$work/$name.token"; }
analyst() { pn "$@" --data-dir "$work/insurer" --token-file "$work/analyst.token"; }
for pair in "insurer bureau" "carrier bureau"; do
  read -r a b <<<"$pair"
  as "$a" peer add "$(as "$b" invite)" >/dev/null
  as "$b" peer add "$(as "$a" invite)" >/dev/null
done
(umask 077; as insurer user add analyst --role analyst | sed -n 2p | tr -d ' ' >"$work/analyst.token")
python3 "$root/benchmarks/resident_ids.py" 0 "$items" >"$work/mine.csv"
python3 "$root/benchmarks/resident_ids.py" $((items / 2)) "$items" --amount >"$work/theirs.csv"
as insurer dataset add mine --csv "$work/mine.csv" --grade L2 --sharing not-shared --key id_number:cn-resident-id --owner-unit Insurer --responsible Bench >/dev/null
as bureau dataset add holdings --csv "$work/theirs.csv" --grade L2 --sharing conditional --key id_number:cn-resident-id --owner-unit Bureau --responsible Bench >/dev/null
analyst request file --peer bureau --dataset holdings --columns id_number --kinds psi-count --outputs count --purpose interference \
  --purpose-code interference --to 2099-12-31 --responsible Bench >/dev/null
request=$(as bureau request list --incoming --json | python3 -c "import json,sys; print(json.load(sys.stdin)['requests'][0]['id'])")
as bureau request approve "$request" --peer insurer --max-uses 1000 --responsible Bench >/dev/null
grant=$(analyst grant list --json | python3 -c "import json,sys; print(json.load(sys.stdin)['grants'][0]['id'])")

run_jobs() { # count file: runs count jobs one after another; appends each one's seconds from start to end to file
  local i id
  for i in $(seq "$1"); do
    id=$(analyst job submit --kind psi-count --grant "$grant" --columns id_number --input mine:id_number --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
    analyst job watch "$id" >/dev/null
    analyst job show "$id" --json | python3 -c '
import json, sys
from datetime import datetime
job = json.load(sys.stdin)
assert job["state"] == "JOB_STATE_SUCCEEDED", job
t = lambda s: datetime.fromisoformat(s[:26].rstrip("Z") + "+00:00")
print((t(job["finishedAt"]) - t(job["startedAt"])).total_seconds())' >>"$2"
  done
}

start_load() {
  touch "$work/loading"
  "$load" interference-load 3600 "$clients" "$pace" "$rate" carrier "$work/carrier" bureau "$work/bureau" \
    "$work/insurer=$work/insurer.token" "$work/bureau=$work/bureau.token" >"$work/load.out" 2>&1 &
  load_pid=$!
  loops=()
  local i
  for i in $(seq "$cli"); do
    if [ $((i % 2)) = 1 ]; then cli_loop insurer job list & else cli_loop bureau node info & fi
    loops+=($!)
  done
  sleep 3
}
stop_load() {
  rm "$work/loading"
  kill -TERM "$load_pid"
  wait "$load_pid" "${loops[@]}" || { cat "$work/load.out"; exit 1; }
  cat "$work/load.out" >>"${1:-$work/loads}"
}
cli_loop() { while [ -f "$work/loading" ]; do as "$1" "${@:2}" >/dev/null; sleep 1; done; }

# Idle and loaded blocks alternate, so that a drift of the machine's speed falls on both.
run_jobs 2 /dev/null # warm-up
for block in $(seq "$blocks"); do
  run_jobs $((jobs / blocks)) "$work/idle.times"
  start_load
  run_jobs $((jobs / blocks)) "$work/loaded.times"
  stop_load
done

# The load alone for 10 s, no job running: the share of one core each process takes (the CLI processes are not counted).
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
node_pid() { pgrep -P "$1" -f privacynode-node; }
start_load
named=("insurer $(node_pid "${pids[0]}")" "bureau $(node_pid "${pids[1]}")" "carrier $(node_pid "${pids[2]}")" "load-generator $load_pid")
before=(); for entry in "${named[@]}"; do before+=("$(ticks "${entry#* }")"); done
sleep 10
shares=""; for i in "${!named[@]}"; do
  shares+=" ${named[$i]% *}=$(( ($(ticks "${named[$i]#* }") - before[i]) * 100 / ($(getconf CLK_TCK) * 10) ))%"
done
stop_load /dev/null
echo "cpu, load alone:$shares" >"$work/shares"

python3 - "$work/idle.times" "$work/loaded.times" "$work/loads" <<'EOF'
import statistics, sys
idle = [float(x) for x in open(sys.argv[1])]
loaded = [float(x) for x in open(sys.argv[2])]
a, b = statistics.median(idle), statistics.median(loaded)
print(f"idle: {len(idle)} jobs, median {a:.2f} s (min {min(idle):.2f}, max {max(idle):.2f}); loaded: {len(loaded)} jobs, median {b:.2f} s (min {min(loaded):.2f}, max {max(loaded):.2f})")
print(f"slowdown {100 * (b / a - 1):+.0f} %")
for line in open(sys.argv[3]):
    print("load:", line.strip())
EOF
cat "$work/shares"
