#!/usr/bin/env bash
# Self-contained builds of the node for Linux servers, no .NET runtime needed on them:
#   artifacts/packages/privacynode-VERSION-linux-ARCH.tar.gz   (ARCH: x64, arm64)
# each holding one directory with privacynode (the CLI), privacynode-node (the daemon), the runtime, the systemd unit
# and install.sh. The daemon is compiled ReadyToRun; the CLI is native code for the building machine's own architecture
# (about 10 ms of CPU a command) and ReadyToRun for another (about 250 ms, half a plain build's).
# The version is Directory.Build.props' <Version>; the build adds the commit (privacynode --version, node info).
#
#   bash packaging/build.sh              # both architectures
#   bash packaging/build.sh arm64        # one
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$root/Directory.Build.props")
[ -n "$version" ] || { echo "no <Version> in Directory.Build.props" >&2; exit 1; }
arches=("$@")
[ ${#arches[@]} -gt 0 ] || arches=(x64 arm64)
for arch in "${arches[@]}"; do
  case $arch in x64|arm64) ;; *) echo "unknown architecture '$arch' (x64 or arm64)" >&2; exit 2 ;; esac
  name=privacynode-$version-linux-$arch
  out=$root/artifacts/packages/$name
  rm -rf "$out" "$out.tar.gz"
  dotnet publish "$root/src/PrivacyNode.Cli" -c Release -r "linux-$arch" --self-contained -p:PublishReadyToRun=true \
    -o "$out" -nologo -v quiet
  rm -f "$out"/*.xml "$out"/*.pdb "$out"/*.dbg
  # A ReadyToRun CLI and the daemon share one directory: an assembly both ship must be the same version, or one of them loads
  # the other's. (A native CLI loads no assemblies.)
  [ ! -f "$out/privacynode.deps.json" ] || python3 - "$out" <<'PY'
import json, sys
def assemblies(name):
    deps = json.load(open(f"{sys.argv[1]}/{name}.deps.json"))
    return {path.split("/")[-1]: info.get("assemblyVersion") for target in deps["targets"].values() for library in target.values()
            for path, info in library.get("runtime", {}).items()}
cli, node = assemblies("privacynode"), assemblies("privacynode-node")
clashes = sorted(f"{a}: CLI {cli[a]}, daemon {node[a]}" for a in cli.keys() & node.keys() if cli[a] != node[a])
if clashes:
    sys.exit("privacynode and privacynode-node need different versions of:\n  " + "\n  ".join(clashes) + "\npin them in Directory.Packages.props")
PY
  install -m 0644 "$root/packaging/systemd/privacynode.service" "$out/"
  install -m 0755 "$root/packaging/install.sh" "$out/"
  tar -C "$root/artifacts/packages" -czf "$out.tar.gz" "$name"
  echo "$out.tar.gz"
done
