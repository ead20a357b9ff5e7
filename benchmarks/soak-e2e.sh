#!/usr/bin/env bash
# Soak: two nodes (insurer requests, bureau provides) as separate processes run psi and psi-count jobs one after
# another for MINUTES minutes (default 30) over 10^4 keys a side. Every minute it prints jobs done and failed so far, and
# each node's resident memory and open file descriptors, so a leak shows as a column that keeps growing.
#
#   bash benchmarks/soak-e2e.sh 30
#
# PRIVACYNODE_CLI may name an already built privacynode executable.
set -euo pipefail
minutes=${1:-30}
items=${ITEMS:-10000}
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/samples/local-nodes.sh"

start_nodes insurer bureau
as() { local name=$1; shift; pn "$@" --data-dir "$work/$name" --token-file "$work/$name.token"; }
analyst() { pn "$@" --data-dir "$work/insurer" --token-file "$work/analyst.token"; }
as insurer peer add "$(as bureau invite)" >/dev/null
as bureau peer add "$(as insurer invite)" >/dev/null
(umask 077; as insurer user add analyst --role analyst | sed -n 2p | tr -d ' ' >"$work/analyst.token")
python3 "$root/benchmarks/resident_ids.py" 0 "$items" >"$work/mine.csv"
python3 "$root/benchmarks/resident_ids.py" $((items / 2)) "$items" --amount >"$work/theirs.csv"
as insurer dataset add mine --csv "$work/mine.csv" --grade L2 --sharing not-shared --key id_number:cn-resident-id --owner-unit Insurer --responsible Soak >/dev/null
as bureau dataset add theirs --csv "$work/theirs.csv" --grade L2 --sharing conditional --key id_number:cn-resident-id --owner-unit Bureau --responsible Soak >/dev/null
grant() { # kinds outputs uses: a grant of the bureau's for the analyst
  analyst request file --peer bureau --dataset theirs --columns id_number,amount --kinds "$1" --outputs "$2" --purpose soak \
    --purpose-code "soak-$1" --to 2099-12-31 --responsible Soak >/dev/null
  local request
  request=$(as bureau request list --incoming --json | python3 -c "import json,sys; print([r['id'] for r in json.load(sys.stdin)['requests'] if r['terms']['purposeCode'] == 'soak-$1'][0])")
  as bureau request approve "$request" --peer insurer --max-uses "$3" --responsible Soak >/dev/null
  analyst grant list --json | python3 -c "import json,sys; print([g['id'] for g in json.load(sys.stdin)['grants'] if g['requestId'] == '$request'][0])"
}
main=$(grant psi,psi-count membership,count 1000000)

node_pid() { pgrep -P "$1" -f privacynode-node; }
sample() { # pid: resident MiB and open descriptors
  local pid; pid=$(node_pid "$1")
  echo "$(awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$pid/status") MiB $(ls "/proc/$pid/fd" | wc -l) fds"
}
echo "minute  jobs  failed  insurer             bureau"
done_jobs=0; failed=0; began=$(date +%s); next=$((began + 60)); minute=0
kinds=(psi psi-count)
while [ $(($(date +%s) - began)) -lt $((minutes * 60)) ]; do
  kind=${kinds[$((done_jobs % 2))]}
  if analyst job submit --kind "$kind" --grant "$main" --columns id_number --input mine:id_number --wait >/dev/null 2>&1; then :; else failed=$((failed + 1)); fi
  done_jobs=$((done_jobs + 1))
  if [ "$(date +%s)" -ge "$next" ]; then
    minute=$((minute + 1)); next=$((next + 60))
    printf '%6d  %4d  %6d  %-18s  %s\n' "$minute" "$done_jobs" "$failed" "$(sample "${pids[0]}")" "$(sample "${pids[1]}")"
  fi
done
[ "$failed" = 0 ]
