#!/usr/bin/env bash
# Packs the five libraries and the audiothinker tool into artifacts/packages (with README, license, XML docs, repository
# metadata and symbols), checks what each package holds, then builds and runs eng/package-consumer — samples/CustomReward's
# code referencing the packages by version — restored from that folder as a NuGet feed.
#   bash eng/pack.sh            (AUDIOTHINKER_VERSION=1.2.3 to choose the version)
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# A fresh prerelease version by default, so the NuGet cache never serves an older pack under the same number.
version=${AUDIOTHINKER_VERSION:-0.1.0-local.$(date -u +%Y%m%d%H%M%S)}
out=artifacts/packages
rm -rf "$out"
mkdir -p "$out"

libraries=(Abstractions Rewards Data Policies Grpo)
for p in "${libraries[@]}" Cli; do
  dotnet pack "src/AudioThinker.$p" -c Release -p:Version="$version" -o "$out" -nologo -v q
done

fail() { echo "pack check: $*" >&2; exit 1; }
for p in "${libraries[@]}" Cli; do
  id=AudioThinker.$p
  pkg=$out/$id.$version.nupkg
  [ -f "$pkg" ] || fail "$pkg was not produced"
  [ -f "$out/$id.$version.snupkg" ] || fail "$id has no symbols package"
  listing=$(unzip -Z1 "$pkg")
  nuspec=$(unzip -p "$pkg" "$id.nuspec")
  for f in README.md LICENSE; do grep -qx "$f" <<<"$listing" || fail "$id lacks $f"; done
  grep -q '<readme>README.md</readme>' <<<"$nuspec" || fail "$id's nuspec names no readme"
  grep -q '<license type="expression">MIT</license>' <<<"$nuspec" || fail "$id's nuspec has no MIT license"
  grep -q '<repository type="git"' <<<"$nuspec" || fail "$id's nuspec has no repository"
  if [ "$p" = Cli ]; then
    grep -q '<packageType name="DotnetTool"' <<<"$nuspec" || fail "$id is not a dotnet tool package"
  else
    grep -qx "lib/net10.0/$id.xml" <<<"$listing" || fail "$id lacks its XML documentation"
  fi
  printf '%-28s %8s KiB\n' "$id" "$(( $(stat -c %s "$pkg") / 1024 ))"
done

# The consumer restores AudioThinker.* only from artifacts/packages (its NuGet.config maps them there).
dotnet build eng/package-consumer -c Release -p:AudioThinkerVersion="$version" -nologo -v q
# Run it too: the packed sample trains in seconds. Hosts whose libstdc++ lacks GLIBCXX_3.4.32 need the TorchSharp compat
# shim, which the packages do not carry (docs/gpu.md): apply the repository's script to the consumer's copy.
bin=eng/package-consumer/bin/Release/net10.0
bash eng/native/torchsharp-compat.sh patch "$bin/runtimes/linux-x64/native" eng/package-consumer/obj/compat
run=artifacts/package-consumer-run
rm -rf "$run" && mkdir -p "$run"
(cd "$run" && dotnet "../../$bin/PackageConsumer.dll") | tee "$run/output.txt"
grep -q "length_penalty" "$run/output.txt" || fail "the packed sample did not report its custom reward"
echo "packed $version: ${#libraries[@]} libraries and the tool in $out; eng/package-consumer built and ran against them"
