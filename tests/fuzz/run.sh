#!/usr/bin/env bash
# Coverage-guided fuzzing of every decoder a peer or a local user reaches (tests/fuzz/PrivacyNode.Fuzz), with Debian's
# afl++ through SharpFuzz: each target in turn for SECONDS (or until EXECS executions), then a table of executions,
# coverage and findings per target. Findings stay in $FUZZ_OUT/findings/TARGET/default/{crashes,hangs}; replay one with
#   dotnet $FUZZ_OUT/plain/privacynode-fuzz.dll --replay TARGET FILE
#
#   bash tests/fuzz/run.sh [SECONDS] [TARGET...]      (default: 600 s, every target; EXECS=1000000 stops a target sooner)
#
# Needs: apt-get install afl++; dotnet tool install --global SharpFuzz.CommandLine --version 2.3.0
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-600}
shift || true
out=${FUZZ_OUT:-${TMPDIR:-/tmp}/privacynode-fuzz}
sharpfuzz=$(command -v sharpfuzz || echo "$HOME/.dotnet/tools/sharpfuzz")
command -v afl-fuzz >/dev/null || { echo "afl-fuzz not found: apt-get install afl++" >&2; exit 2; }
[ -x "$sharpfuzz" ] || { echo "sharpfuzz not found: dotnet tool install --global SharpFuzz.CommandLine --version 2.3.0" >&2; exit 2; }

rm -rf "$out/bin" "$out/plain" && mkdir -p "$out"
dotnet publish tests/fuzz/PrivacyNode.Fuzz -c Release -o "$out/plain" --nologo -v quiet
# Instrumented code runs only under afl-fuzz; seeds, the target list and replays use the plain copy.
cp -r "$out/plain" "$out/bin"
# Instrument our assemblies and the protobuf runtime that parses every peer message (not BouncyCastle or the BCL).
for assembly in PrivacyNode.Crypto.dll PrivacyNode.Contracts.dll privacynode-node.dll Google.Protobuf.dll; do
  "$sharpfuzz" "$out/bin/$assembly" >/dev/null
done
rm -rf "$out/seeds" && dotnet "$out/plain/privacynode-fuzz.dll" --seeds "$out/seeds"

targets=("$@")
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(dotnet "$out/plain/privacynode-fuzz.dll" --list)
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1
for target in "${targets[@]}"; do
  rm -rf "$out/findings/$target" && mkdir -p "$out/findings"
  limit=(-V "$seconds")
  [ -n "${EXECS:-}" ] && limit+=(-E "$EXECS")
  echo "== $target"
  afl-fuzz -i "$out/seeds/$target" -o "$out/findings/$target" "${limit[@]}" -t 10000 -m none -- dotnet "$out/bin/privacynode-fuzz.dll" "$target" >"$out/$target.log" 2>&1 || true
done

echo
echo "| target | executions | per second | edges covered | crashes | hangs |"
echo "|---|---:|---:|---:|---:|---:|"
for target in "${targets[@]}"; do
  stats="$out/findings/$target/default/fuzzer_stats"
  if [ ! -f "$stats" ]; then echo "| $target | did not start: see $out/$target.log | | | | |"; continue; fi
  get() { awk -F' *: *' -v k="$1" '$1 == k { print $2 }' "$stats"; }
  echo "| $target | $(get execs_done) | $(get execs_per_sec) | $(get edges_found) ($(get bitmap_cvg)) | $(get saved_crashes) | $(get saved_hangs) |"
done
