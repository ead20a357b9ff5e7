#!/usr/bin/env bash
# End-to-end he-aggregate benchmark: a requester (finance) and three providers (civil, hr, housing) on loopback, all on
# this machine's shared cores. Each provider holds N rows (default 2^20) spread over G groups (default 1,000), with a
# value of up to 100000.00. Runs an he-aggregate job over the three RUNS times (default 2: the first includes the nodes'
# warm-up) with relayed contributions, then RUNS times with a threshold key (--threshold), then a row-count job at one
# provider (which reads its whole CSV and nothing else: the cost of reading alone), and prints their times and each
# node's peak RSS. "job" is the job's run time at the requester, from start to end.
#
#   bash benchmarks/he-aggregate-e2e.sh                 # 3 x 2^20 rows, 1,000 groups
#   RUNS=1 bash benchmarks/he-aggregate-e2e.sh 100000 50
#
# PRIVACYNODE_CLI may name an already built privacynode executable.
set -euo pipefail
rows=${1:-1048576}
groups=${2:-1000}
runs=${RUNS:-2}
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/samples/local-nodes.sh"

providers=(civil hr housing)
start_nodes finance "${providers[@]}"
as() { local name=$1; shift; pn "$@" --data-dir "$work/$name" --token-file "$work/$name.token"; }
(umask 077; as finance user add analyst --role analyst | sed -n 2p | tr -d ' ' >"$work/analyst.token")
an() { pn "$@" --data-dir "$work/finance" --token-file "$work/analyst.token"; }

python3 - "$rows" "$groups" "$work" "${providers[@]}" <<'PY'
import random, sys
rows, groups, work, providers = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4:]
with open(f"{work}/groups.txt", "w") as f:
    f.writelines(f"D{g:05d}\n" for g in range(groups))
for seed, name in enumerate(providers):
    rng = random.Random(seed)
    with open(f"{work}/{name}.csv", "w") as f:
        f.write("row_id,district,amount\n")
        f.writelines(f"{name}-{i},D{rng.randrange(groups):05d},{rng.randrange(10_000_001) / 100:.2f}\n" for i in range(rows))
PY

timed() { local began; began=$(date +%s.%N); "$@" >/dev/null; python3 -c "print(f'{$(date +%s.%N) - $began:.1f} s')"; }
for name in "${providers[@]}"; do
  as finance peer add "$(as "$name" invite)" >/dev/null
  as "$name" peer add "$(as finance invite)" >/dev/null
  echo "register $name ($rows rows): $(timed as "$name" dataset add subsidies --csv "$work/$name.csv" --grade L2 --sharing conditional \
    --key row_id:text --owner-unit "$name" --responsible Bench)"
  an request file --peer "$name" --dataset subsidies --columns amount,district --kinds he-aggregate,row-count --outputs sum,count \
    --purpose benchmark --purpose-code bench --to 2099-12-31 --responsible Bench >/dev/null
  request=$(as "$name" request list --incoming --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["requests"][0]["id"])')
  as "$name" request approve "$request" --peer finance --max-uses 10 --min-result-size 10 --responsible Bench >/dev/null
done
# Contributors check the aggregator's keys, so the providers pair with each other too.
for i in "${!providers[@]}"; do
  for other in "${providers[@]:$((i + 1))}"; do
    as "${providers[$i]}" peer add "$(as "$other" invite)" >/dev/null
    as "$other" peer add "$(as "${providers[$i]}" invite)" >/dev/null
  done
done
grant() { an grant list --json | python3 -c "import json,sys; print([g['id'] for g in json.load(sys.stdin)['grants'] if g['provider'] == '$1'][0])"; }

job_time() { an job show "$1" --json | python3 -c '
import datetime, json, sys
job = json.load(sys.stdin)
at = lambda t: datetime.datetime.fromisoformat(t.replace("Z", "+00:00"))
print("%.2f s" % (at(job["finishedAt"]) - at(job["startedAt"])).total_seconds())'; }
run() { # kind args...: submit, follow, print the job's time and metrics
  local job began ended
  began=$(date +%s.%N)
  job=$(an job submit "$@" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  if ! an job watch "$job" >"$work/watch.log"; then tail -3 "$work/watch.log"; tail -20 "$work"/*.log; exit 1; fi
  ended=$(date +%s.%N)
  metrics=$(an job result "$job" --json | python3 -c 'import json,sys; print(" ".join(m["name"] + "=" + m["value"] for m in json.load(sys.stdin)["result"]["metrics"]))')
  echo "$2${mode:+ ($mode)} wall=$(python3 -c "print(f'{$ended - $began:.2f} s')") job=$(job_time "$job") $metrics"
}

parts=()
for name in "${providers[@]}"; do parts+=(--part "$(grant "$name"):amount,district"); done
for mode in relayed threshold; do
  flag=(); [ "$mode" = threshold ] && flag=(--threshold)
  for _ in $(seq "$runs"); do run --kind he-aggregate "${parts[@]}" --value-range 0.00:100000.00 --groups-file "$work/groups.txt" "${flag[@]}"; done
done
mode=
run --kind row-count --grant "$(grant civil)"

peak() { grep VmHWM "/proc/$(pgrep -P "$1" -f privacynode-node)/status" | awk '{printf "%.0f MiB", $2 / 1024}'; }
echo "peak RSS: finance $(peak "${pids[0]}"), civil (aggregator) $(peak "${pids[1]}"), hr $(peak "${pids[2]}"), housing $(peak "${pids[3]}")"
