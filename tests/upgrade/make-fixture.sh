#!/usr/bin/env bash
# The upgrade fixture: what the previous release leaves on disk. It builds release 1.0.0 (commit e8b38c5) from this repository's
# history, and with it makes two paired nodes, insurer and bureau (SQLite, peer ports 27443 and 27444 on loopback), a dataset on
# each, the insurer's analyst's psi-count grant from the bureau and one finished psi-count job. Output, under
# artifacts/upgrade/1.0.0/: the two data directories, the two CSV files their datasets read, insurer.token, analyst.token,
# bureau.token and grant.
# UpgradeTests runs this when the fixture is missing; nothing of it is committed (it holds the nodes' keys). Needs the git history.
#
#   bash tests/upgrade/make-fixture.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
release=1.0.0
commit=e8b38c59e316808d1fecb907deab3c1cd1b0d2da
out=$root/artifacts/upgrade/$release
[ -f "$out/complete" ] && exit 0

source=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$source"
}
trap cleanup EXIT
git -C "$root" cat-file -e "$commit^{commit}" || { echo "make-fixture.sh: release $release ($commit) is not in this clone's history" >&2; exit 1; }
git -C "$root" archive "$commit" | tar -x -C "$source"
dotnet build "$source/src/PrivacyNode.Cli" -c Release -nologo -v quiet >/dev/null
cli=$source/artifacts/bin/PrivacyNode.Cli/release/privacynode
rm -rf "$out"
mkdir -p "$out"
as() { local name=$1; shift; "$cli" "$@" --data-dir "$out/$name" --token-file "$out/$name.token"; }

port=27443
for name in insurer bureau; do
  (umask 077; "$cli" init --name "$name" --data-dir "$out/$name" --peer-listen "127.0.0.1:$port" --local-listen 127.0.0.1:0 --json \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["adminToken"])' >"$out/$name.token")
  "$cli" serve --data-dir "$out/$name" >"$out/$name.log" 2>&1 &
  pids+=($!)
  port=$((port + 1))
done
for name in insurer bureau; do
  for _ in $(seq 300); do [ -f "$out/$name/run/endpoints.json" ] && break; sleep 0.1; done
done
as insurer peer add "$(as bureau invite)" >/dev/null
as bureau peer add "$(as insurer invite)" >/dev/null
(umask 077; as insurer user add analyst --role analyst | sed -n 2p | tr -d ' ' >"$out/analyst.token")
python3 "$root/benchmarks/resident_ids.py" 0 400 >"$out/mine.csv"
python3 "$root/benchmarks/resident_ids.py" 200 400 --amount >"$out/theirs.csv"
as insurer dataset add mine --csv "$out/mine.csv" --grade L2 --sharing not-shared --key id_number:cn-resident-id --owner-unit Insurer --responsible Zhao >/dev/null
as bureau dataset add holdings --csv "$out/theirs.csv" --grade L2 --sharing conditional --key id_number:cn-resident-id --owner-unit Bureau --responsible Wang >/dev/null
analyst() { "$cli" "$@" --data-dir "$out/insurer" --token-file "$out/analyst.token"; }
analyst request file --peer bureau --dataset holdings --columns id_number --kinds psi-count --outputs count --purpose "upgrade fixture" \
  --purpose-code upgrade --to 2099-12-31 --responsible Zhao >/dev/null
request=$(as bureau request list --incoming --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["requests"][0]["id"])')
as bureau request approve "$request" --peer insurer --max-uses 10 --responsible Wang >/dev/null
grant=$(analyst grant list --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["grants"][0]["id"])')
analyst job submit --kind psi-count --grant "$grant" --columns id_number --input mine:id_number --wait >/dev/null
echo "$grant" >"$out/grant"

for pid in "${pids[@]}"; do kill -TERM "$pid"; done
wait
pids=()
rm -f "$out"/*.log
touch "$out/complete"
echo "$out"
