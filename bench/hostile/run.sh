#!/usr/bin/env bash
# What hostile traffic costs a single-process registry serving the demo
# package set from a git repository, each scenario on a fresh registry
# process, beside a baseline from the same run (one ordinary cold pull):
#   baseline   one cold pull of hello:latest
#   tag        200 pulls of hostile tags: distinct unknown commit hashes (full
#              and short) and a commit only refs/pull/7/head points at
#   name       200 pulls of distinct package names that do not exist
#   burst      1,000 distinct cold images (package combinations), 100 at a time
# Per scenario: HTTP statuses, wall time, CPU seconds of the registry process
# and of the children it waited for (nix, git, tar; utime+stime from
# /proc/<pid>/stat), disk growth of its storage and source cache, peak RSS
# (VmHWM). Ratios are per request against the baseline's single pull.
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/setup >/dev/null
source scripts/nix-env

work=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

dotnet build -c Release src/Silo -v q -nologo >/dev/null
silo_dll="$PWD/src/Silo/bin/Release/net10.0/Nixery.Silo.dll"
accept="Accept: application/vnd.docker.distribution.manifest.v2+json"
tick=$(getconf CLK_TCK)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now() { date +%s.%N; }

# The package set: a salted demo in a git repository, with a commit that only
# a pull-request ref names.
repo="$work/repo"
mkdir -p "$repo"
sed "s|salt = \"\";|salt = \"hostile-$$-$RANDOM\";|" demo/default.nix >"$repo/default.nix"
git -C "$repo" init -q --initial-branch=main
git -C "$repo" -c user.name=b -c user.email=b@b add -A
git -C "$repo" -c user.name=b -c user.email=b@b commit -qm one
git -C "$repo" checkout -q -b contribution
echo '# untrusted' >>"$repo/default.nix"
git -C "$repo" -c user.name=b -c user.email=b@b commit -qam untrusted
pull_commit=$(git -C "$repo" rev-parse HEAD)
git -C "$repo" update-ref refs/pull/7/head "$pull_commit"
git -C "$repo" checkout -q main
git -C "$repo" branch -q -D contribution

cpu_ticks() { awk '{print $14+$15, $16+$17}' "/proc/$1/stat"; }
disk_kib() { du -sk "$work/run" 2>/dev/null | awk '{print $1}'; }

start_registry() {
  rm -rf "$work/run"; mkdir -p "$work/run"
  port=$(free_port)
  env PORT="$port" STORAGE_PATH="$work/run/storage" NIXERY_SOURCE_CACHE="$work/run/sources" \
    NIXERY_PKGS_PATH= NIXERY_PKGS_REPO="file://$repo" \
    NIXERY_SILO_PORT="$(free_port)" NIXERY_GATEWAY_PORT="$(free_port)" \
    dotnet "$silo_dll" >>"$work/registry.log" 2>&1 &
  pid=$!
  until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do sleep 0.2; done
  # Warm the source (one fetch and import) so every scenario starts from the same state.
  curl -s -o /dev/null "http://127.0.0.1:$port/v2/hello/tags/list"
  read -r self0 children0 < <(cpu_ticks "$pid"); disk0=$(disk_kib); t0=$(now)
}

stop_registry() { # name requests statuses
  local t1 self1 children1 disk1 rss
  t1=$(now); read -r self1 children1 < <(cpu_ticks "$pid"); disk1=$(disk_kib)
  rss=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status")
  kill -9 "$pid"; wait "$pid" 2>/dev/null || true; pid=""
  awk -v n="$1" -v req="$2" -v st="$3" -v t="$(echo "$t1 - $t0" | bc)" -v s=$(( self1 - self0 )) -v c=$(( children1 - children0 )) \
      -v tick="$tick" -v d=$(( disk1 - disk0 )) -v rss="$rss" \
      'BEGIN { printf "%-9s %5d req  %-30s wall %7.2f s  cpu %7.2f s (registry %6.2f, children %6.2f)  disk %+8.1f MiB  peak rss %6.0f MiB\n",
               n, req, st, t, (s + c) / tick, s / tick, c / tick, d / 1024, rss / 1024 }'
  echo "$1 $2 $(( self1 - self0 + children1 - children0 )) $(( disk1 - disk0 )) $rss" >>"$work/figures"
}

statuses() { sort | uniq -c | awk '{printf "%s×%s ", $2, $1}'; }

get() { curl -s -o /dev/null -w '%{http_code}\n' -H "$accept" "http://127.0.0.1:$port/v2/$1/manifests/$2"; }
export -f get; export accept

echo "registry: one process, demo package set in a git repository; $(nproc) cores"

start_registry
st=$(get hello latest | statuses)
stop_registry baseline 1 "$st"

start_registry
{ for i in $(seq 1 99); do printf '%040x\n' "$((RANDOM * 32768 + RANDOM))$i" | cut -c1-40; done
  for i in $(seq 1 99); do printf '%08x\n' "$((RANDOM * 32768 + RANDOM))"; done
  echo "$pull_commit"; echo "${pull_commit:0:8}"; } >"$work/tags"
st=$(xargs -P 8 -I{} bash -c 'port='"$port"' get hello {}' <"$work/tags" | statuses)
stop_registry tag 200 "$st"

start_registry
st=$(seq 1 200 | xargs -P 8 -I{} bash -c 'port='"$port"' get no-such-package-{} latest' | statuses)
stop_registry name 200 "$st"

# 1,000 distinct images: subsets of the demo's packages (binary of i picks them).
packages=(hello git curl openssl zlib htop ncurses jq nano coreutils moreutils bashInteractive iana-etc xorg.xev python3Packages.requests)
for i in $(seq 1 1000); do
  name=""; for b in $(seq 0 14); do (( (i >> b) & 1 )) && name="$name/${packages[$b]}"; done
  echo "${name#/}"
done >"$work/images"
start_registry
st=$(xargs -P 100 -I{} bash -c 'port='"$port"' get {} latest' <"$work/images" | statuses)
stop_registry burst 1000 "$st"

echo
echo "per request, relative to one ordinary cold pull (baseline):"
awk 'NR == 1 { bc = $3; bd = $4; br = $5; next }
     { printf "  %-6s cpu %6.3f×  disk %6.3f×  peak rss %5.2f× (whole run)\n", $1, ($3 / $2) / (bc > 0 ? bc : 1), (bd != 0 ? ($4 / $2) / bd : 0), $5 / br }' "$work/figures"
