#!/usr/bin/env bash
# fuzz.sh [SECONDS] — run every fuzz target of the module for SECONDS each
# (default 20), one after the other, from its committed seed corpus
# (testdata/fuzz/FuzzXxx/ of its package), failing on the first crash.
#
#   scripts/fuzz.sh        # 20 s per target (make fuzz)
#   scripts/fuzz.sh 5      # CI's short run
#
# Environment: PKGS overrides the package pattern (default ./...);
# FUZZ_PARALLEL the fuzzing workers per target (default 1: the cores are shared).
# A crash leaves its input under the package's testdata/fuzz/FuzzXxx/
# (go test writes it there): commit it with the fix as a regression seed.
set -euo pipefail

secs="${1:-20}"
if ! [[ "$secs" =~ ^[0-9]+$ ]] || [ "$secs" -lt 1 ]; then
	echo "usage: scripts/fuzz.sh [SECONDS]" >&2
	exit 2
fi
cd "$(dirname "$0")/.."
pkgs="${PKGS:-./...}"

# "go test -list" prints the matching names of each package, then "ok <pkg>".
# A package that does not compile fails the run: fuzzing it is impossible.
list=$(go test -run '^$' -list '^Fuzz' $pkgs 2>&1) || {
	echo "$list" >&2
	echo "fuzz.sh: listing the fuzz targets failed" >&2
	exit 1
}
targets=()
pending=()
while IFS= read -r line; do
	case "$line" in
	Fuzz*) pending+=("$line") ;;
	ok*)
		pkg=$(awk '{print $2}' <<<"$line")
		for f in "${pending[@]}"; do targets+=("$pkg $f"); done
		pending=()
		;;
	esac
done <<<"$list"

if [ "${#targets[@]}" -eq 0 ]; then
	echo "fuzz.sh: no fuzz target found in $pkgs" >&2
	exit 1
fi
echo "fuzz.sh: ${#targets[@]} fuzz targets, ${secs}s each"

start=$(date +%s)
n=0
for t in "${targets[@]}"; do
	pkg=${t% *}
	fn=${t#* }
	n=$((n + 1))
	seeds=0
	dir=$(go list -f '{{.Dir}}' "$pkg")
	if [ -d "$dir/testdata/fuzz/$fn" ]; then
		seeds=$(find "$dir/testdata/fuzz/$fn" -type f | wc -l)
	fi
	printf '[%d/%d] %s %s (%d committed seeds) ... ' "$n" "${#targets[@]}" "$pkg" "$fn" "$seeds"
	t0=$(date +%s)
	if ! out=$(go test "$pkg" -run '^$' -fuzz "^${fn}\$" -fuzztime "${secs}s" -parallel "${FUZZ_PARALLEL:-1}" 2>&1); then
		# The fuzzing engine can stop with "context deadline exceeded" when the
		# time runs out while it minimises a new interesting input: no input
		# failed then (a failure says "Failing input written to ...").
		if grep -q 'context deadline exceeded' <<<"$out" && ! grep -q 'Failing input written to' <<<"$out"; then
			echo "ok in $(($(date +%s) - t0))s (time ran out while minimising a new input; no failing input)"
			continue
		fi
		echo "FAIL"
		echo "$out"
		echo "fuzz.sh: $pkg $fn crashed after $n of ${#targets[@]} targets; the failing input is under $dir/testdata/fuzz/$fn/" >&2
		exit 1
	fi
	execs=$(grep -o 'execs: [0-9]*' <<<"$out" | tail -1 | awk '{print $2}' || true)
	echo "ok in $(($(date +%s) - t0))s (${execs:-?} execs)"
done
echo "fuzz.sh: all ${#targets[@]} fuzz targets passed, ${secs}s each, $(($(date +%s) - start))s in all"
