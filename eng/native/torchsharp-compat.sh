#!/usr/bin/env bash
# Makes TorchSharp's native library load on hosts whose libstdc++ lacks GLIBCXX_3.4.32 (Debian 12 and
# other pre-GCC-13 systems). Called by eng/native/TorchSharpCompat.targets after every build that puts
# libLibTorchSharp.so in an output folder; never touches the NuGet cache.
#
#   torchsharp-compat.sh probe LIBSTDCXX          prints "present" or "absent" (GLIBCXX_3.4.32 in that file)
#   torchsharp-compat.sh system-libstdcxx         prints the path of the libstdc++.so.6 the loader uses
#   torchsharp-compat.sh patch NATIVE_DIR WORK_DIR  patches NATIVE_DIR/libLibTorchSharp.so when needed
set -euo pipefail

NEEDED_VERSION=GLIBCXX_3.4.32
COMPAT_NAME=libatcxx32.so   # no longer than "libstdc++.so.6": the patch rewrites the name in place
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

probe() { # $1: a libstdc++ file
  [ -r "$1" ] || { echo "torchsharp-compat: cannot read $1" >&2; exit 2; }
  if LC_ALL=C grep -qa "$NEEDED_VERSION" "$1"; then echo present; else echo absent; fi
}

system_libstdcxx() {
  local p
  p=$( (/sbin/ldconfig -p 2>/dev/null || ldconfig -p 2>/dev/null) | awk '/libstdc\+\+\.so\.6 .*x86-64/ {print $NF; exit}')
  [ -n "$p" ] || p=$(ls /usr/lib/x86_64-linux-gnu/libstdc++.so.6 /usr/lib64/libstdc++.so.6 /lib64/libstdc++.so.6 2>/dev/null | head -n1)
  [ -n "$p" ] || { echo "torchsharp-compat: no libstdc++.so.6 found (ldconfig -p, /usr/lib/x86_64-linux-gnu, /usr/lib64)" >&2; exit 2; }
  readlink -f "$p"
}

need() { # $1: program, $2: Debian package
  command -v "$1" >/dev/null 2>&1 || {
    echo "error ATCOMPAT01: this host's libstdc++ lacks $NEEDED_VERSION, so AudioThinker builds a compat library for TorchSharp, which needs '$1'. Install it: apt-get install $2" >&2
    exit 1; }
}

patch_dir() { # $1: folder holding libLibTorchSharp.so, $2: work folder for the build
  local native=$1 work=$2 lib="$1/libLibTorchSharp.so"
  [ -f "$lib" ] || exit 0
  if [ "$(probe "$(system_libstdcxx)")" = present ]; then exit 0; fi
  if readelf -d "$lib" 2>/dev/null | grep -q "\[$COMPAT_NAME\]"; then
    [ -f "$native/$COMPAT_NAME" ] && exit 0
  fi
  need gcc gcc; need readelf binutils
  mkdir -p "$work"
  # The version nodes that the library asks of libstdc++ must all be defined by the compat library.
  local versions
  versions=$(readelf -V --wide "$lib" | awk '/File: libstdc\+\+\.so\.6/ {f=1; next} /File:/ {f=0} f && /Name:/ {print $3}' | sort -u)
  [ -n "$versions" ] || { echo "torchsharp-compat: $lib names no libstdc++ versions; nothing to patch" >&2; exit 0; }
  { for v in $versions; do [ "$v" = "$NEEDED_VERSION" ] || echo "$v { };"; done
    echo "$NEEDED_VERSION { global: _ZSt21ios_base_library_initv; local: *; };"; } > "$work/libatcxx32.map"
  if [ ! -f "$work/$COMPAT_NAME" ] || [ "$here/libatcxx32.c" -nt "$work/$COMPAT_NAME" ] || ! cmp -s "$work/libatcxx32.map" "$work/libatcxx32.map.built"; then
    gcc -shared -fPIC -O2 -o "$work/$COMPAT_NAME" "$here/libatcxx32.c" \
      -Wl,--version-script="$work/libatcxx32.map" -Wl,-soname,"$COMPAT_NAME" -Wl,--no-as-needed -lstdc++
    cp "$work/libatcxx32.map" "$work/libatcxx32.map.built"
  fi
  if [ ! -x "$work/elf-replace-needed" ] || [ "$here/elf-replace-needed.c" -nt "$work/elf-replace-needed" ]; then
    gcc -O2 -o "$work/elf-replace-needed" "$here/elf-replace-needed.c"
  fi
  # Patch a private copy, then move it over the output folder's copy (the NuGet cache is left alone).
  cp "$lib" "$work/libLibTorchSharp.so.tmp"
  "$work/elf-replace-needed" "$work/libLibTorchSharp.so.tmp" libstdc++.so.6 "$COMPAT_NAME"
  cp "$work/$COMPAT_NAME" "$native/$COMPAT_NAME.tmp" && mv -f "$native/$COMPAT_NAME.tmp" "$native/$COMPAT_NAME"
  mv -f "$work/libLibTorchSharp.so.tmp" "$lib"
  echo "torchsharp-compat: patched $lib to use $COMPAT_NAME ($NEEDED_VERSION shim)"
}

case "${1:-}" in
  probe) probe "$2" ;;
  system-libstdcxx) system_libstdcxx ;;
  patch) patch_dir "$2" "$3" ;;
  *) echo "usage: $0 probe LIBSTDCXX | system-libstdcxx | patch NATIVE_DIR WORK_DIR" >&2; exit 2 ;;
esac
