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
. "$root/samples/local-nodes.sh"

echo "== Each agency creates and starts its node"
start_nodes insurer bureau stranger

echo "== They exchange invitations (one line each)"
insurer_invite=$(pn invite --data-dir "$work/insurer" --token-file "$work/insurer.token")
bureau_invite=$(pn invite --data-dir "$work/bureau" --token-file "$work/bureau.token")
echo "insurer: $insurer_invite"
echo "bureau:  $bureau_invite"

echo "== Each pins the other"
pn peer add "$bureau_invite" --data-dir "$work/insurer" --token-file "$work/insurer.token"
pn peer add "$insurer_invite" --data-dir "$work/bureau" --token-file "$work/bureau.token"

echo "== Both check the link"
pn peer check bureau --data-dir "$work/insurer" --token-file "$work/insurer.token"
pn peer check insurer --data-dir "$work/bureau" --token-file "$work/bureau.token"

echo "== A node the insurer never paired with is refused"
pn peer add "$insurer_invite" --data-dir "$work/stranger" --token-file "$work/stranger.token" >/dev/null
if pn peer check insurer --data-dir "$work/stranger" --token-file "$work/stranger.token"; then
  echo "unexpected: the unpaired node got through" >&2
  exit 1
fi
echo "== Done: insurer and bureau are paired; the stranger was refused."
