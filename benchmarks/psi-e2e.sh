#!/usr/bin/env bash
# End-to-end PSI benchmark: two nodes on loopback (one machine, shared cores), synthetic resident IDs,
# N requester items and M provider items (default N) with N/2 in common. Runs a `psi` job (or the kind
# given as $2) RUNS times (default 1) and prints, per run, wall time, the gRPC message bytes each way (as
# the requester counted them) and each node's peak RSS. "wall" runs from submit to the end of `job watch`
# (two CLI starts included); "job" is the job's own run time at the requester, from start to end.
# For psi and psi-count on an ECDH suite the first run builds the provider's tag cache; later runs are the online phase alone.
# SUITE names the PSI suite (rr22, ristretto255-sha512, sm2-sm3); unset, the job takes the default for its kind and size.
#
#   bash benchmarks/psi-e2e.sh 65536                      # 2^16 per side
#   bash benchmarks/psi-e2e.sh 1048576 psi                # 2^20 per side
#   RUNS=2 bash benchmarks/psi-e2e.sh 1024 psi 16777216   # unbalanced: 2^10 against 2^24, cold then warm
#   SUITE=ristretto255-sha512 bash benchmarks/psi-e2e.sh 1048576   # 2^20 per side on ECDH
#
# PRIVACYNODE_CLI may name an already built privacynode executable.
set -euo pipefail
items=${1:?usage: psi-e2e.sh <requester items> [psi|psi-count|psi-payload|psi-sum] [provider items]}
kind=${2:-psi}
provider_items=${3:-$items}
runs=${RUNS:-1}
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/samples/local-nodes.sh"

start_nodes insurer bureau
as() { local name=$1; shift; pn "$@" --data-dir "$work/$name" --token-file "$work/$name.token"; }
as insurer peer add "$(as bureau invite)" >/dev/null
as bureau peer add "$(as insurer invite)" >/dev/null
(umask 077; as insurer user add analyst --role analyst | sed -n 2p | tr -d ' ' >"$work/analyst.token")

# Synthetic resident IDs: requester 0..N-1, provider N/2..N/2+M-1 (with an amount).
python3 "$root/benchmarks/resident_ids.py" 0 "$items" >"$work/mine.csv"
python3 "$root/benchmarks/resident_ids.py" $((items / 2)) "$provider_items" --amount >"$work/theirs.csv"

as bureau dataset add theirs --csv "$work/theirs.csv" --grade L2 --sharing conditional --key id_number:cn-resident-id \
  --owner-unit Bureau --responsible Bench >/dev/null
as insurer dataset add mine --csv "$work/mine.csv" --grade L2 --sharing not-shared --key id_number:cn-resident-id \
  --owner-unit Insurer --responsible Bench >/dev/null
pn request file --peer bureau --dataset theirs --columns id_number,amount --kinds psi,psi-count,psi-payload,psi-sum \
  --outputs membership,count,payload,sum --purpose benchmark --purpose-code bench --to 2099-12-31 --responsible Bench \
  --data-dir "$work/insurer" --token-file "$work/analyst.token" >/dev/null
request=$(as bureau request list --incoming --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["requests"][0]["id"])')
as bureau request approve "$request" --peer insurer --max-uses 10 --responsible Bench >/dev/null
grant=$(pn grant list --json --data-dir "$work/insurer" --token-file "$work/analyst.token" | python3 -c 'import json,sys; print(json.load(sys.stdin)["grants"][0]["id"])')
columns=id_number
extra=()
[ "$kind" = psi-payload ] && columns=id_number,amount
[ "$kind" = psi-sum ] && columns=id_number,amount && extra=(--value-range 0:9972)
[ -n "${SUITE:-}" ] && extra+=(--suite "$SUITE")

peak() { grep VmHWM "/proc/$(pgrep -P "$1" -f privacynode-node)/status" | awk '{printf "%.0f MiB", $2 / 1024}'; }
for run in $(seq "$runs"); do
  began=$(date +%s.%N)
  job=$(pn job submit --kind "$kind" --grant "$grant" --columns "$columns" --input mine:id_number "${extra[@]}" --json \
    --data-dir "$work/insurer" --token-file "$work/analyst.token" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  if ! pn job watch "$job" --data-dir "$work/insurer" --token-file "$work/analyst.token" >"$work/watch.log"; then
    tail -3 "$work/watch.log"; tail -20 "$work/insurer.log" "$work/bureau.log"; exit 1
  fi
  ended=$(date +%s.%N)

  metrics=$(pn job result "$job" --max-rows 0 --json --data-dir "$work/insurer" --token-file "$work/analyst.token" \
    | python3 -c 'import json,sys; print(" ".join(m["name"] + "=" + m["value"] for m in json.load(sys.stdin)["result"]["metrics"]))')
  job_time=$(pn job show "$job" --json --data-dir "$work/insurer" --token-file "$work/analyst.token" | python3 -c '
import datetime, json, sys
job = json.load(sys.stdin)
at = lambda t: datetime.datetime.fromisoformat(t.replace("Z", "+00:00"))
print("%.2f s" % (at(job["finishedAt"]) - at(job["startedAt"])).total_seconds())')
  suite=$(pn job show "$job" --json --data-dir "$work/insurer" --token-file "$work/analyst.token" | python3 -c 'import json,sys; print(json.load(sys.stdin)["spec"].get("psiSuite", "-"))')
  echo "run=$run kind=$kind suite=$suite items=$items provider_items=$provider_items wall=$(python3 -c "print(f'{$ended - $began:.2f} s')") job=$job_time $metrics"
  echo "peak RSS: insurer (requester) $(peak "${pids[0]}"), bureau (provider) $(peak "${pids[1]}")"
done
