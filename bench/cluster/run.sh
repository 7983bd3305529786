#!/usr/bin/env bash
# Build-once and cluster figures, each beside a baseline from the same run.
# Every silo runs as a pod does: in its own mount namespace with a private,
# initially empty Nix store (an empty directory bind-mounted on /nix).
#  1. Nix builds caused by 100 concurrent cold requests (HEAD and GET) for one
#     image, counted by a nix-store wrapper on the processes' PATH: one
#     registry process, then a cluster of two silos and a separate frontend
#     on Redis membership (requests spread over all three).
#  2. Warm manifest GET latency through the separate frontend, next to the
#     same request to a silo directly and to Debian's docker-registry
#     (CNCF distribution 2.8) serving the same manifest.
#  3. Recovery after kill -9 of the silo that is building: time until a
#     client polling the frontend gets the manifest (issue 8: within 30 s).
#  4. Recovery after kill -9 of every process and a restart in order (new
#     ports and empty stores, silos one after another, then the frontend):
#     time until a pull is served (issue 8: within 60 s), beside the time the
#     same cluster took to start fresh.
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/setup >/dev/null
command -v docker-registry >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker-registry >/dev/null
command -v wrk >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >/dev/null
source scripts/nix-env

work=$(mktemp -d)
source bench/processes.sh
cleanup() { kill_own KILL; rm -rf "$work"; }
trap cleanup EXIT

dotnet build -c Release src/Silo -v q -nologo >/dev/null
dotnet build -c Release src/Frontend -v q -nologo >/dev/null
silo_dll="$PWD/src/Silo/bin/Release/net10.0/Nixery.Silo.dll"
frontend_dll="$PWD/src/Frontend/bin/Release/net10.0/Nixery.Frontend.dll"
accept="Accept: application/vnd.docker.distribution.manifest.v2+json"

# Counts Nix builds from outside the registry: nix-store asked to realise derivations.
mkdir -p "$work/wrapper"
printf '#!/bin/sh\necho "$*" >> %s\nexec /usr/bin/nix-store "$@"\n' "$work/nix-store.log" >"$work/wrapper/nix-store"
chmod +x "$work/wrapper/nix-store"
touch "$work/nix-store.log"
export PATH="$work/wrapper:$PATH"
nix_builds() { grep -c -- '--realise.*\.drv!' "$work/nix-store.log" || true; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now() { date +%s.%N; }
salted() { local dir="$work/demo-$1"; cp -r demo "$dir"; sed -i "s|salt = \"\";|salt = \"$1\";|" "$dir/default.nix"; echo "$dir"; }
wait_ready() { until curl -sf "http://127.0.0.1:$1/readyz" >/dev/null; do sleep 0.2; done; }
builds() { local total=0; for port in "$@"; do
    n=$(curl -s "http://127.0.0.1:$port/metrics" | awk '/^nixery_nix_builds_started_total/ {s+=$2} END {print s+0}'); total=$((total + n)); done; echo "$total"; }
start() { # dll port storage extra-env...: a frontend, or anything that needs no Nix store
  local dll=$1 port=$2 storage=$3; shift 3
  env PORT="$port" STORAGE_PATH="$storage" NIXERY_SILO_PORT="$(free_port)" NIXERY_GATEWAY_PORT="$(free_port)" "$@" \
    dotnet "$dll" >>"$work/processes.log" 2>&1 &
  own $!; echo $!
}
start_silo() { # port storage extra-env...: a silo with a private, empty /nix (env, unshare and sh exec in turn: $! is the silo)
  local port=$1 storage=$2 store; shift 2
  store=$(mktemp -d "$work/nix-XXXX")
  # Build users belong to the machine but their locks to the store: silos
  # sharing nixbld1 across stores would kill each other's builds.
  env PORT="$port" STORAGE_PATH="$storage" NIXERY_SILO_PORT="$(free_port)" NIXERY_GATEWAY_PORT="$(free_port)" NIXERY_BUILD_USERS_GROUP= "$@" \
    unshare --mount --propagation private sh -c 'mount --bind "$0" /nix && exec "$@"' "$store" dotnet "$silo_dll" >>"$work/processes.log" 2>&1 &
  own $!; echo $!
}
burst() { # image ports...: 100 concurrent requests, alternating HEAD and GET, round robin over ports
  local image=$1; shift; local ports=("$@") i=0
  for i in $(seq 0 99); do
    port=${ports[$((i % ${#ports[@]}))]}
    if ((i % 2)); then method=(-I); else method=(); fi
    curl -s -o /dev/null -w '%{http_code}\n' "${method[@]}" -H "$accept" "http://127.0.0.1:$port/v2/$image/manifests/latest" &
  done | sort | uniq -c | tr '\n' ' '
  wait
}
latency_ms() { # url: median latency of 5 s of sequential warm requests
  wrk -t1 -c1 -d5s --latency -H "$accept" "$1" | awk '/^ +50%/ {v=$2; u=v; sub(/[a-z]+$/,"",v); if (u ~ /us$/) v/=1000; if (u ~ /[0-9]s$/) v*=1000; print v}'
}
# A client's retry: one request may be caught by the dead silo; it gives up after 5 s and asks again.
served() { [ "$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' -H "$accept" "http://127.0.0.1:$1/v2/$2/manifests/latest")" = 200 ]; }

echo "1. Nix builds per 100 concurrent cold requests (nix-store wrapper on PATH; private stores)"
single_port=$(free_port)
single=$(start_silo "$single_port" "$work/single" NIXERY_PKGS_PATH="$(salted single)")
wait_ready "$single_port"
: >"$work/nix-store.log"
echo "   single process: statuses $(burst hello "$single_port")-> $(nix_builds) Nix build(s)"

redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no >/dev/null &
own $!
until redis-cli -p "$redis_port" ping >/dev/null 2>&1; do sleep 0.1; done
cluster_pkgs=$(salted cluster)
cluster_env=(NIXERY_CLUSTERING=redis NIXERY_CLUSTERING_CONNECTION=127.0.0.1:$redis_port NIXERY_GRAIN_STORAGE=redis
  NIXERY_ADVERTISED_ADDRESS=127.0.0.1 NIXERY_PKGS_PATH=$cluster_pkgs)
fresh_start=$(now)
silo_a_port=$(free_port); silo_a=$(start_silo "$silo_a_port" "$work/shared" "${cluster_env[@]}"); wait_ready "$silo_a_port"
silo_b_port=$(free_port); silo_b=$(start_silo "$silo_b_port" "$work/shared" "${cluster_env[@]}"); wait_ready "$silo_b_port"
front_port=$(free_port); front=$(start "$frontend_dll" "$front_port" "$work/shared" "${cluster_env[@]}"); wait_ready "$front_port"
fresh_ready=$(now)
: >"$work/nix-store.log"
echo "   cluster (2 silos + frontend): statuses $(burst hello "$silo_a_port" "$silo_b_port" "$front_port")-> $(nix_builds) Nix build(s)"
: >"$work/nix-store.log"
echo "   cluster, 100 concurrent cold requests for 4 images (jq, curl, git, htop): statuses $(
  for i in $(seq 0 99); do
    ports=("$silo_a_port" "$silo_b_port" "$front_port"); images=(jq curl git htop)
    curl -s -o /dev/null -w '%{http_code}\n' -H "$accept" "http://127.0.0.1:${ports[$((i % 3))]}/v2/${images[$((i % 4))]}/manifests/latest" &
  done | sort | uniq -c | tr '\n' ' '; wait)-> $(nix_builds) Nix build(s)"

echo "2. warm manifest GET, median latency"
through_frontend=$(latency_ms "http://127.0.0.1:$front_port/v2/hello/manifests/latest")
direct=$(latency_ms "http://127.0.0.1:$silo_a_port/v2/hello/manifests/latest")
single_warm=$(latency_ms "http://127.0.0.1:$single_port/v2/hello/manifests/latest")
dport=$(free_port)
printf 'version: 0.1\nlog: { level: error }\nstorage: { filesystem: { rootdirectory: %s } }\nhttp: { addr: 127.0.0.1:%s }\n' "$work/distribution" "$dport" >"$work/distribution.yml"
docker-registry serve "$work/distribution.yml" >/dev/null 2>&1 &
own $!
until curl -sf "http://127.0.0.1:$dport/v2/" >/dev/null; do sleep 0.1; done
skopeo copy -q --src-tls-verify=false --dest-tls-verify=false "docker://127.0.0.1:$single_port/hello:latest" "docker://127.0.0.1:$dport/hello:latest"
distribution=$(latency_ms "http://127.0.0.1:$dport/v2/hello/manifests/latest")
printf '   through the separate frontend  %7.3f ms\n   silo directly (cluster)        %7.3f ms\n   single process                 %7.3f ms\n   distribution (baseline)        %7.3f ms\n' \
  "$through_frontend" "$direct" "$single_warm" "$distribution"

echo "3. recovery after kill -9 of the building silo"
# slow has not been built in this salted set: its build is cold.
before_a=$(builds "$silo_a_port"); before_b=$(builds "$silo_b_port")
curl -s -o /dev/null -H "$accept" "http://127.0.0.1:$front_port/v2/slow/manifests/latest" &
victim=""
while [ -z "$victim" ]; do
  sleep 0.1
  [ "$(builds "$silo_a_port")" -gt "$before_a" ] && victim=$silo_a
  [ "$(builds "$silo_b_port")" -gt "$before_b" ] && victim=$silo_b
done
kill -9 "$victim"; killed=$(now)
until served "$front_port" slow; do sleep 0.2; done
recovered=$(now)
mid_build=$(echo "$recovered - $killed" | bc)
printf '   manifest served %.1f s after the kill (the slow package alone builds in 10 s; issue 8 asks for 30 s)\n' "$mid_build"

echo "4. recovery after kill -9 of every process and an ordered restart"
kill -9 "$front" "$silo_a" "$silo_b" 2>/dev/null || true
restart=$(now)
silo_a_port=$(free_port); silo_a=$(start_silo "$silo_a_port" "$work/shared" "${cluster_env[@]}"); wait_ready "$silo_a_port"
silo_b_port=$(free_port); silo_b=$(start_silo "$silo_b_port" "$work/shared" "${cluster_env[@]}"); wait_ready "$silo_b_port"
front_port=$(free_port); front=$(start "$frontend_dll" "$front_port" "$work/shared" "${cluster_env[@]}"); wait_ready "$front_port"
until served "$front_port" hello; do sleep 0.2; done
back=$(echo "$(now) - $restart" | bc)
fresh=$(echo "$fresh_ready - $fresh_start" | bc)
printf '   pulls served %.1f s after the restart began (issue 8 asks for 60 s); a fresh cluster started in %.1f s\n' "$back" "$fresh"

echo
printf 'frontend / direct silo latency: %.2fx\n' "$(echo "$through_frontend / $direct" | bc -l)"
printf 'frontend / distribution latency: %.2fx\n' "$(echo "$through_frontend / $distribution" | bc -l)"
printf 'restart after kill -9 / fresh start: %.2fx\n' "$(echo "$back / $fresh" | bc -l)"
