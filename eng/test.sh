#!/usr/bin/env bash
# Runs every test project; prints one closing line "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
bash eng/prereqs.sh || exit 1
results=$(mktemp -d)
dotnet test AudioThinker.sln --logger "trx" --results-directory "$results" "$@"
rc=$?
passed=0 failed=0 skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n1)
  get() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  passed=$((passed + $(get passed))); failed=$((failed + $(get failed))); skipped=$((skipped + $(get notExecuted)))
done
echo "$passed passed, $failed failed, $skipped skipped"
rm -rf "$results"
# Test hosts may be killed before their exit handlers run: drop the temp roots of test processes that are gone.
for root in "${TMPDIR:-/tmp}"/at-grpo-tests-*; do
  [ -d "$root" ] && ! kill -0 "${root##*-}" 2>/dev/null && rm -rf "$root"
done
[ "$rc" -eq 0 ] && [ "$passed" -eq 0 ] && { echo "no test ran" >&2; exit 1; }
exit $rc
