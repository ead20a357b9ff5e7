#!/usr/bin/env bash
# Load: one requester (insurer) and two providers (bureau, carrier), three processes on this machine. JOBS jobs (default 50)
# of five kinds (row-count, psi, psi-count, psi-payload, psi-sum), alternating between the providers, are submitted at
# once; the script waits for all of them and prints how many succeeded, the wall time from the first submit to the last
# end, jobs per minute, and each node's peak RSS. Sets: N keys at each side (default 10000), half of them in common.
#
#   bash benchmarks/load-e2e.sh              # 50 jobs, 10^4 keys per side
#   JOBS=100 bash benchmarks/load-e2e.sh 100000
#
# PRIVACYNODE_CLI may name an already built privacynode executable.
set -euo pipefail
items=${1:-10000}
jobs=${JOBS:-50}
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/samples/local-nodes.sh"

start_nodes insurer bureau carrier
as() { local name=$1; shift; pn "$@" --data-dir "$work/$name" --token-file "$work/$name.token"; }
analyst() { pn "$@" --data-dir "$work/insurer" --token-file "$work/analyst.token"; }
for provider in bureau carrier; do
  as insurer peer add "$(as $provider invite)" >/dev/null
  as $provider peer add "$(as insurer invite)" >/dev/null
done
(umask 077; as insurer user add analyst --role analyst | sed -n 2p | tr -d ' ' >"$work/analyst.token")
python3 "$root/benchmarks/resident_ids.py" 0 "$items" >"$work/mine.csv"
python3 "$root/benchmarks/resident_ids.py" $((items / 2)) "$items" --amount >"$work/theirs.csv"
as insurer dataset add mine --csv "$work/mine.csv" --grade L2 --sharing not-shared --key id_number:cn-resident-id --owner-unit Insurer --responsible Load >/dev/null

declare -A grants
for provider in bureau carrier; do
  as $provider dataset add theirs --csv "$work/theirs.csv" --grade L2 --sharing conditional --key id_number:cn-resident-id --owner-unit Provider --responsible Load >/dev/null
  for set in "main row-count,psi,psi-count,psi-payload count,membership,payload $jobs" "sum psi-sum sum 10"; do
    read -r label kinds outputs uses <<<"$set"
    analyst request file --peer $provider --dataset theirs --columns id_number,amount --kinds "$kinds" --outputs "$outputs" \
      --purpose load --purpose-code "load-$label" --to 2099-12-31 --responsible Load >/dev/null
    request=$(as $provider request list --incoming --json | python3 -c "import json,sys; print([r['id'] for r in json.load(sys.stdin)['requests'] if r['terms']['purposeCode'] == 'load-$label'][0])")
    as $provider request approve "$request" --peer insurer --max-uses "$uses" --responsible Load >/dev/null
    grants[$provider-$label]=$(analyst grant list --json | python3 -c "import json,sys; print([g['id'] for g in json.load(sys.stdin)['grants'] if g['requestId'] == '$request'][0])")
  done
done

kinds=(row-count psi psi-count psi-payload psi-sum)
began=$(date +%s.%N)
ids=()
clients=()
for i in $(seq 0 $((jobs - 1))); do
  provider=$([ $((i % 2)) = 0 ] && echo bureau || echo carrier)
  kind=${kinds[$((i % 5))]}
  case $kind in
    row-count) args=(--grant "${grants[$provider-main]}") ;;
    psi-payload) args=(--grant "${grants[$provider-main]}" --columns id_number,amount --input mine:id_number) ;;
    psi-sum) args=(--grant "${grants[$provider-sum]}" --columns id_number,amount --input mine:id_number --value-range 0:9972) ;;
    *) args=(--grant "${grants[$provider-main]}" --columns id_number --input mine:id_number) ;;
  esac
  analyst job submit --kind "$kind" "${args[@]}" --json >"$work/submit-$i.json" &
  clients+=($!)
done
wait "${clients[@]}"
for i in $(seq 0 $((jobs - 1))); do ids+=("$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$work/submit-$i.json")"); done
clients=()
for id in "${ids[@]}"; do analyst job watch "$id" >/dev/null 2>&1 & clients+=($!); done
wait "${clients[@]}" || true
ended=$(date +%s.%N)

succeeded=0
for id in "${ids[@]}"; do
  state=$(analyst job show "$id" --json | python3 -c 'import json,sys; j = json.load(sys.stdin); print(j["state"], j.get("failureMessage", ""))')
  if [ "${state%% *}" = JOB_STATE_SUCCEEDED ]; then succeeded=$((succeeded + 1)); else echo "$id: $state"; fi
done
peak() { grep VmHWM "/proc/$(pgrep -P "$1" -f privacynode-node)/status" | awk '{printf "%.0f MiB", $2 / 1024}'; }
python3 -c "
wall = $ended - $began
print(f'jobs={$jobs} succeeded={$succeeded} items={$items} wall={wall:.1f} s jobs_per_minute={$jobs / wall * 60:.0f}')"
echo "peak RSS: insurer $(peak "${pids[0]}"), bureau $(peak "${pids[1]}"), carrier $(peak "${pids[2]}")"
[ "$succeeded" = "$jobs" ]
