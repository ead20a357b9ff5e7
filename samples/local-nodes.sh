# Sourced by the samples and benchmarks/psi-e2e.sh: nodes on this machine, in a temporary directory that
# goes away, with the nodes, when the script exits. Needs $root (the repository root) to be set.
# PRIVACYNODE_CLI may name an already built privacynode executable; PRIVACYNODE_START_SECONDS is how long a node may take
# to start (default 20).
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

start_nodes() { # names...: init and serve each on loopback; wait until all listen. Admin tokens go to $work/<name>.token (owner-only).
  local name
  for name in "$@"; do
    (umask 077; : >"$work/$name.token")
    pn init --name "$name" --data-dir "$work/$name" --peer-listen 127.0.0.1:0 --local-listen 127.0.0.1:0 --json \
      | sed -n 's/.*"adminToken":"\([^"]*\)".*/\1/p' >"$work/$name.token"
    # The executable itself, not the pn function, and not in a subshell: $! must be the CLI's pid for cleanup's SIGTERM to reach it.
    "$PRIVACYNODE_CLI" serve --data-dir "$work/$name" >"$work/$name.log" 2>&1 &
    pids+=($!)
  done
  for name in "$@"; do
    for _ in $(seq $((${PRIVACYNODE_START_SECONDS:-20} * 10))); do [ -f "$work/$name/run/endpoints.json" ] && break; sleep 0.1; done
  done
}
