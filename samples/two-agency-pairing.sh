#!/usr/bin/env bash
# Two agencies pair their nodes, on one machine: each runs `privacynode init` and `serve`, hands the other
# its invitation line, pins the other's certificate with `peer add`, then checks the mutual-TLS link both
# ways. A third node that nobody paired with is refused. On two machines the steps are the same; only
# the invitation lines travel between the operators (see README.md).
#
# Run from the repository root:  bash samples/two-agency-pairing.sh
# PRIVACYNODE_CLI may name an already built privacynode executable.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${PRIVACYNODE_CLI:-}" ]; then
  dotnet build "$root/src/PrivacyNode.Cli" -c Release -nologo -v quiet >/dev/null
  PRIVACYNODE_CLI="$root/artifacts/bin/PrivacyNode.Cli/release/privacynode"
fi
pn() { "$PRIVACYNODE_CLI" "$@"; }

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

start_node() { # name: the node runs in the background (not in a subshell, so cleanup can stop it); its admin token goes to $work/name.token
  local name=$1
  pn init --name "$name" --data-dir "$work/$name" --peer-listen 127.0.0.1:0 --local-listen 127.0.0.1:0 --json \
    | sed -n 's/.*"adminToken":"\([^"]*\)".*/\1/p' >"$work/$name.token"
  # The executable itself, not the pn function: $! must be the CLI's pid for cleanup's SIGTERM to reach it.
  "$PRIVACYNODE_CLI" serve --data-dir "$work/$name" >"$work/$name.log" 2>&1 &
  pids+=($!)
}

echo "== Each agency creates and starts its node"
for name in insurer bureau stranger; do start_node "$name"; done
insurer_token=$(cat "$work/insurer.token")
bureau_token=$(cat "$work/bureau.token")
stranger_token=$(cat "$work/stranger.token")
for name in insurer bureau stranger; do
  for _ in $(seq 100); do [ -f "$work/$name/run/endpoints.json" ] && break; sleep 0.1; done
done

echo "== They exchange invitations (one line each)"
insurer_invite=$(pn invite --data-dir "$work/insurer" --token "$insurer_token")
bureau_invite=$(pn invite --data-dir "$work/bureau" --token "$bureau_token")
echo "insurer: $insurer_invite"
echo "bureau:  $bureau_invite"

echo "== Each pins the other"
pn peer add "$bureau_invite" --data-dir "$work/insurer" --token "$insurer_token"
pn peer add "$insurer_invite" --data-dir "$work/bureau" --token "$bureau_token"

echo "== Both check the link"
pn peer check bureau --data-dir "$work/insurer" --token "$insurer_token"
pn peer check insurer --data-dir "$work/bureau" --token "$bureau_token"

echo "== A node the insurer never paired with is refused"
pn peer add "$insurer_invite" --data-dir "$work/stranger" --token "$stranger_token" >/dev/null
if pn peer check insurer --data-dir "$work/stranger" --token "$stranger_token"; then
  echo "unexpected: the unpaired node got through" >&2
  exit 1
fi
echo "== Done: insurer and bureau are paired; the stranger was refused."
