#!/usr/bin/env bash
# Compares LayerWriter with a packer that behaves like Nixery's (Go, compress/gzip at its
# default level in one goroutine, sha256 of tar and gzip) on the same ~300 MB corpus:
# the .NET shared runtime plus the machine's lib[a-p]*.so* libraries, laid out as two
# store paths in a temporary directory.
#
#   bench/compression/run.sh            # RUNS=3 timed runs each, median reported
#   RUNS=5 WORKERS=2 bench/compression/run.sh
#
# Needs dotnet (the repo's SDK) and Go (golang-go from apt; installed if missing).
# MB/s is MB (10^6 bytes) of uncompressed tar per second; ratio = gzip bytes / tar bytes.
# Run it on an otherwise idle machine: the baseline uses one core, ours all of them, so
# load from elsewhere shrinks our figure more than the baseline's. CPU seconds per run are
# printed too, as they say more than wall time when the machine is shared.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
runs=${RUNS:-3}
workers=${WORKERS:-$(nproc)}

if ! command -v go >/dev/null; then
  echo "installing golang-go" >&2
  apt-get install -y golang-go >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y golang-go >/dev/null; }
fi
command -v dotnet >/dev/null || { echo "dotnet SDK not found" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/nixery-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Corpus: copied (not linked) so both packers read the same files, with symlinks kept.
store="$work/corpus/nix/store"
runtime="$store/0c7sjvm1yv0qfjnmvzphyyhnyjxqmvv4-dotnet-shared"
libs="$store/1d8tkwn2zw1rgkonwaqizyizkyrnwwv5-system-libraries"
mkdir -p "$runtime" "$libs"
dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
tar -C "$dotnet_root" -cf - shared | tar -C "$runtime" -xf -
(cd "/usr/lib/$(uname -m)-linux-gnu" && tar -cf - lib[a-p]*.so*) | tar -C "$libs" -xf -
find "$store" -type f -exec cat {} + >/dev/null  # page cache
echo "corpus: $(du -sb "$store" | cut -f1) bytes in $(find "$store" -type f | wc -l) files, $(find "$store" -type l | wc -l) symlinks; $(nproc) cores"

echo "building"
(cd "$here/baseline" && go build -o "$work/baseline" .)
dotnet build -c Release --nologo -v q "$here/Compression.Bench.csproj" -o "$work/ours" >/dev/null

# Alternate the two, one timed run per process each time, so that a burst of load from
# elsewhere on the machine does not fall on one side only. Ours does one untimed warm-up
# pass per process (JIT); the page cache is warm for both.
for _ in $(seq "$runs"); do
  "$work/baseline" -runs 1 "$runtime" "$libs" | grep '^RESULT' >>"$work/results"
  dotnet "$work/ours/Nixery.Bench.Compression.dll" --workers "$workers" --runs 1 "$runtime" "$libs" | grep '^RESULT' >>"$work/results"
done

# Lines: RESULT name tar-bytes gzip-bytes seconds cpu-seconds digest [peak-rss-mib]
awk -v workers="$workers" -v runs="$runs" '
  function median(list, n,   i, j, t) {
    for (i = 2; i <= n; i++) for (j = i; j > 1 && list[j-1] > list[j]; j--) { t = list[j]; list[j] = list[j-1]; list[j-1] = t }
    return n % 2 ? list[(n+1)/2] : (list[n/2] + list[n/2+1]) / 2
  }
  {
    n[$2]++; sec[$2, n[$2]] = $5; cpu[$2, n[$2]] = $6
    tar[$2] = $3; gz[$2] = $4; if ($8 > rss[$2]) rss[$2] = $8
    if (!($2 in digest)) digest[$2] = $7; else if (digest[$2] != $7) same[$2] = "no"
  }
  END {
    for (k in n) { for (i = 1; i <= n[k]; i++) { s[i] = sec[k, i]; c[i] = cpu[k, i] } ms[k] = median(s, n[k]); mc[k] = median(c, n[k]) }
    bspeed = tar["baseline"] / ms["baseline"] / 1e6; bratio = gz["baseline"] / tar["baseline"]
    ospeed = tar["ours"] / ms["ours"] / 1e6; oratio = gz["ours"] / tar["ours"]
    printf "median of %d runs; MB/s = MB of uncompressed tar per wall-clock second; cpu = CPU seconds per run\n", runs
    printf "baseline  Go compress/gzip default level, 1 goroutine     %6.1f MB/s  ratio %.4f  cpu %5.2f s  tar %d B\n", bspeed, bratio, mc["baseline"], tar["baseline"]
    printf "ours      LayerWriter, %d workers, libdeflate 4, 4 MiB  %6.1f MB/s  ratio %.4f  cpu %5.2f s  tar %d B, peak RSS %d MiB\n", workers, ospeed, oratio, mc["ours"], tar["ours"], rss["ours"]
    printf "ours      blob %s, the same in all %d runs: %s (entry names include the temp directory)\n", digest["ours"], runs, ("ours" in same) ? "NO" : "yes"
    printf "speed ours/baseline %.2fx   ratio ours/baseline %.4f\n", ospeed / bspeed, oratio / bratio
  }' "$work/results"
