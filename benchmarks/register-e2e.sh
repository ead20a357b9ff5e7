#!/usr/bin/env bash
# Registers a dataset of 2^24 synthetic resident IDs (16,778,000 rows, every key distinct) on one node and prints the time
# and the node's peak RSS, which includes the profile pass that counts distinct keys.
#
#   bash benchmarks/register-e2e.sh
#
# PRIVACYNODE_CLI may name an already built privacynode executable.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/samples/local-nodes.sh"
start_nodes bureau
python3 - "$work" <<'PY'
import datetime, sys
work = sys.argv[1]
weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
start = datetime.date(1950, 1, 1)
with open(f"{work}/big.csv", "w") as f:
    f.write("id_number,amount\n")
    for d in range(16778):
        day = (start + datetime.timedelta(days=d)).strftime("%Y%m%d")
        for s in range(1000):
            body = "110105" + day + f"{s:03d}"
            f.write(body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights)) % 11] + f",{s}\n")
PY
wc -l "$work/big.csv"
began=$(date +%s.%N)
pn dataset add big --csv "$work/big.csv" --grade L2 --sharing conditional --key id_number:cn-resident-id --owner-unit B --responsible B \
  --data-dir "$work/bureau" --token-file "$work/bureau.token" >/dev/null
echo "register: $(python3 -c "print(f'{$(date +%s.%N) - $began:.1f} s')") peak RSS $(grep VmHWM "/proc/$(pgrep -P "${pids[0]}" -f privacynode-node || echo ${pids[0]})/status")"
