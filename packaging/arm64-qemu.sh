#!/usr/bin/env bash
# The linux-arm64 build, proven on this x64 machine under qemu-user: the Crypto tests (all of dotnet test's Crypto
# cases, through a self-contained runner, since dotnet test cannot run a foreign architecture), then a two-node psi job
# of the arm64 package on every PSI suite, each checked against the known intersection. Slow (qemu emulates every
# instruction); correct is what it checks. As root on Debian 12 it installs what it needs: qemu-user-static, binfmt
# and Debian's arm64 libc, libstdc++, ICU and OpenSSL (dpkg --add-architecture arm64).
#
#   bash packaging/arm64-qemu.sh            # tests and jobs
#   ITEMS=4096 bash packaging/arm64-qemu.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
items=${ITEMS:-2000}

if [ ! -e /usr/lib/aarch64-linux-gnu/libicuuc.so.72 ] || ! command -v qemu-aarch64-static >/dev/null; then
  [ "$(id -u)" = 0 ] || { echo "arm64-qemu.sh: needs qemu-user-static and arm64 libraries; run as root to install them" >&2; exit 1; }
  export DEBIAN_FRONTEND=noninteractive
  dpkg --add-architecture arm64
  apt-get update -q
  apt-get install -y -q --no-install-recommends qemu-user-static binfmt-support \
    libc6:arm64 libstdc++6:arm64 libicu72:arm64 libssl3:arm64 zlib1g:arm64
fi
# binfmt lets the kernel run arm64 executables through qemu, so the CLI can start the daemon as a child process.
if [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]; then
  [ -e /proc/sys/fs/binfmt_misc/register ] || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
  update-binfmts --enable qemu-aarch64
fi
# The .NET runtime maps its generated code twice (write, then execute); qemu-user does not support that mapping.
export DOTNET_EnableWriteXorExecute=0

bash "$root/packaging/build.sh" arm64 >/dev/null
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$root/Directory.Build.props")
package=$root/artifacts/packages/privacynode-$version-linux-arm64
file -L "$package/privacynode-node" | grep -q aarch64
echo "arm64 build: $("$package/privacynode" --version) ($(uname -m) host, $(qemu-aarch64-static --version | head -1))"

runner=$root/artifacts/arm64-runner
dotnet publish "$root/tests/PrivacyNode.Crypto.Tests.Runner" -c Release -r linux-arm64 --self-contained \
  -o "$runner" -nologo -v quiet
"$runner/PrivacyNode.Crypto.Tests.Runner"

for suite in rr22 ristretto255-sha512 sm2-sm3; do
  line=$(PRIVACYNODE_CLI="$package/privacynode" PRIVACYNODE_START_SECONDS=300 SUITE=$suite bash "$root/benchmarks/psi-e2e.sh" "$items" psi | grep '^run=')
  echo "$line"
  grep -q " suite=$suite " <<<"$line"
  grep -q " intersection_size=$((items / 2)) " <<<"$line" || { echo "arm64 psi on $suite: expected intersection_size=$((items / 2))" >&2; exit 1; }
done
echo "arm64: Crypto tests and psi jobs on every suite passed"
