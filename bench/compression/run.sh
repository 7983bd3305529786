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

echo "building" >&2
(cd "$here/baseline" && GOFLAGS=-mod=mod go build -o "$work/baseline" .)
dotnet build -c Release --nologo -v q "$here/LayerBench/LayerBench.csproj" -o "$work/ours" >/dev/null

baseline=$("$work/baseline" -runs "$runs" "$runtime" "$libs" | grep '^RESULT')
ours=$(dotnet "$work/ours/Nixery.Bench.Compression.dll" --workers "$workers" --runs "$runs" "$runtime" "$libs" | grep '^RESULT')

awk -v b="$baseline" -v o="$ours" -v workers="$workers" -v runs="$runs" 'BEGIN {
  split(b, B, " "); split(o, O, " ")
  bspeed = B[3] / B[5] / 1e6; bratio = B[4] / B[3]
  ospeed = O[3] / O[5] / 1e6; oratio = O[4] / O[3]
  printf "baseline (Go compress/gzip default level, 1 goroutine): %7.1f MB/s  ratio %.4f  (tar %d B, median of %d)\n", bspeed, bratio, B[3], runs
  printf "ours (LayerWriter, %d workers, gzip level 5, 4 MiB members): %7.1f MB/s  ratio %.4f  (tar %d B, median of %d, %s)\n", workers, ospeed, oratio, O[3], runs, O[7]
  printf "blob digest (ours): %s\n", O[6]
  printf "speed ours/baseline: %.2fx   ratio ours/baseline: %.4f\n", ospeed / bspeed, oratio / bratio
}'
