#!/usr/bin/env bash
# Installs the few system packages the build and tests need when they are missing (Debian/Ubuntu):
#   gcc, binutils  — the libstdc++ compat shim for TorchSharp on hosts without GLIBCXX_3.4.32 (eng/native)
#   flac           — the FLAC decoder's tests encode files with the reference encoder at test time
set -euo pipefail
missing=()
command -v gcc >/dev/null 2>&1 || missing+=(gcc)
command -v readelf >/dev/null 2>&1 || missing+=(binutils)
command -v flac >/dev/null 2>&1 || missing+=(flac)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "prereqs: missing ${missing[*]}; install them (Debian/Ubuntu: sudo apt-get install ${missing[*]})" >&2
  exit 1
fi
echo "prereqs: installing ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
