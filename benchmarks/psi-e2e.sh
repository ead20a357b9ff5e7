#!/usr/bin/env bash
# End-to-end PSI benchmark: two nodes on loopback (one machine, shared cores), synthetic resident IDs,
# N items per side with N/2 in common. Runs one `psi` job (or the kind given as $2) and prints wall time,
# the gRPC message bytes each way (as the requester counted them) and each node's peak RSS.
#
#   bash benchmarks/psi-e2e.sh 65536          # 2^16 per side
#   bash benchmarks/psi-e2e.sh 1048576 psi    # 2^20 per side
#
# PRIVACYNODE_CLI may name an already built privacynode executable.
set -euo pipefail
items=${1:?usage: psi-e2e.sh <items per side> [psi|psi-count|psi-payload]}
kind=${2:-psi}
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/samples/local-nodes.sh"

start_nodes insurer bureau
as() { local name=$1; shift; pn "$@" --data-dir "$work/$name" --token "$(cat "$work/$name.token")"; }
as insurer peer add "$(as bureau invite)" >/dev/null
as bureau peer add "$(as insurer invite)" >/dev/null
analyst=$(as insurer user add analyst --role analyst | sed -n 2p | tr -d ' ')

# Synthetic resident IDs with valid GB 11643 check characters: requester 0..N-1, provider N/2..3N/2-1.
python3 - "$items" "$work" <<'PY'
import datetime, sys
n, work = int(sys.argv[1]), sys.argv[2]
weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
start = datetime.date(1950, 1, 1)
def rid(i):
    body = "110105" + (start + datetime.timedelta(days=i // 1000)).strftime("%Y%m%d") + f"{i % 1000:03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights)) % 11]
with open(f"{work}/mine.csv", "w") as f:
    f.write("id_number\n")
    f.writelines(rid(i) + "\n" for i in range(n))
with open(f"{work}/theirs.csv", "w") as f:
    f.write("id_number,amount\n")
    f.writelines(f"{rid(i)},{i % 9973}\n" for i in range(n // 2, n // 2 + n))
PY

as bureau dataset add theirs --csv "$work/theirs.csv" --grade L2 --sharing conditional --key id_number:cn-resident-id \
  --owner-unit Bureau --responsible Bench >/dev/null
as insurer dataset add mine --csv "$work/mine.csv" --grade L2 --sharing not-shared --key id_number:cn-resident-id \
  --owner-unit Insurer --responsible Bench >/dev/null
pn request file --peer bureau --dataset theirs --columns id_number,amount --kinds psi,psi-count,psi-payload \
  --outputs membership,count,payload --purpose benchmark --purpose-code bench --to 2099-12-31 --responsible Bench \
  --data-dir "$work/insurer" --token "$analyst" >/dev/null
request=$(as bureau request list --incoming --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["requests"][0]["id"])')
as bureau request approve "$request" --peer insurer --max-uses 10 --responsible Bench >/dev/null
grant=$(pn grant list --json --data-dir "$work/insurer" --token "$analyst" | python3 -c 'import json,sys; print(json.load(sys.stdin)["grants"][0]["id"])')
columns=id_number
[ "$kind" = psi-payload ] && columns=id_number,amount

began=$(date +%s.%N)
job=$(pn job submit --kind "$kind" --grant "$grant" --columns "$columns" --input mine:id_number --json \
  --data-dir "$work/insurer" --token "$analyst" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
if ! pn job watch "$job" --data-dir "$work/insurer" --token "$analyst" >"$work/watch.log"; then
  tail -3 "$work/watch.log"; tail -20 "$work/insurer.log" "$work/bureau.log"; exit 1
fi
ended=$(date +%s.%N)

metrics=$(pn job result "$job" --json --data-dir "$work/insurer" --token "$analyst" \
  | python3 -c 'import json,sys; print(" ".join(m["name"] + "=" + m["value"] for m in json.load(sys.stdin)["result"]["metrics"]))')
peak() { grep VmHWM "/proc/$(pgrep -P "$1" -f privacynode-node)/status" | awk '{printf "%.0f MiB", $2 / 1024}'; }
echo "kind=$kind items=$items wall=$(python3 -c "print(f'{$ended - $began:.1f} s')") $metrics"
echo "peak RSS: insurer (requester) $(peak "${pids[0]}"), bureau (provider) $(peak "${pids[1]}")"
