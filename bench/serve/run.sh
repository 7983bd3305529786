#!/usr/bin/env bash
# Serving speed of the registry beside nginx serving the identical files, and
# the cold path beside a shell pipeline doing the same work, in one run
# (issue 9). Every figure is paired with its baseline inside the same run and
# each pair is repeated RUNS times (default 3); medians are reported, and the
# ratios are medians of the per-run ratios, since the machine is shared.
#
#   manifests  wrk -t2 -c16 -d8s, GET by tag and by digest, Docker schema 2;
#              "early": the first 8 s after the process says /readyz;
#              "warm": after WARMUP seconds (default 20) of load;
#              single process, and through a separate frontend (Redis
#              membership, one silo, shared storage)
#   blobs      MB/s of the image's largest layer, 1 curl stream (8 transfers
#              on one connection) and 16 curl streams (2 transfers each), in
#              the warm single process (or a fresh one under SKIP=manifests)
#   redirects  blob GETs answered with a 307 to object storage (s3rver from
#              .work/node, presigned URLs), wrk -t2 -c16 -d8s, one process:
#              first a blob no served manifest names (the registry asks s3rver
#              for its size on every request: 8 s unmeasured, then 8 s), then
#              the same blob once a GET of the manifest made it known (signed
#              locally, no request to s3rver); the ratio is known / unknown
#   settings   COMPARE_ENV="A;B;C": the early manifest by tag (first 8 s),
#              once per environment setting (space-separated assignments; an
#              empty one is the default), interleaved in each run, each beside
#              its own nginx pair, with the registry's CPU time per request,
#              and the same after WARMUP seconds of load; for choosing runtime
#              settings by measurement
#   cold pull  skopeo copy of `big` (67 MB, already built by Nix) from a
#              registry with empty storage, against `tar | gzip -6 | sha256sum`
#              of the same closure; the registry's stage breakdown follows
#   packing    bench/compression/run.sh (the Go packer that works like
#              Nixery's) on its own corpus
#   memory     peak RSS of a registry after building `huge` (a 1 GiB closure)
#
#   bench/serve/run.sh                    # everything
#   RUNS=1 WARMUP=10 bench/serve/run.sh   # quicker, noisier
#   SKIP=packing,frontend bench/serve/run.sh
#       (parts: manifests, blobs, redirects, frontend, cold, packing, memory)
#   SKIP=packing,cold,memory,frontend,manifests,redirects bench/serve/run.sh   # blobs only
#   COMPARE_ENV=";DOTNET_TieredPGO=0;DOTNET_TC_QuickJitForLoops=0" SKIP=... bench/serve/run.sh
#   EXTRA_ENV="DOTNET_TieredPGO=0" bench/serve/run.sh   # runtime settings to compare
#   BUILD=jit bench/serve/run.sh          # dotnet build output instead of the ReadyToRun publish
#   BINARIES=DIR bench/serve/run.sh       # reuse DIR/silo and DIR/frontend (published before), and
#                                         # DIR/scale-host (bench/scale's build of the same source) for SCALE
#   SCALE=10000 bench/serve/run.sh        # also: warm manifests over 10,000 distinct cached images
#                                         # (made by bench/scale; see the SCALE section below)
#   SCALE=10000 SCALE_STORE=DIR ...       # keep those images in DIR, and serve them from there on
#                                         # later runs instead of making them again
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
command -v nginx >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q nginx >/dev/null
command -v wrk >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >/dev/null
command -v redis-server >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q redis-server >/dev/null
command -v skopeo >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q skopeo >/dev/null
source scripts/nix-env
runs=${RUNS:-3}
warmup=${WARMUP:-20}
skip=",${SKIP:-},"
docker_type="application/vnd.docker.distribution.manifest.v2+json"
accept="Accept: $docker_type"

work=$(mktemp -d "${TMPDIR:-/tmp}/nixery-serve.XXXXXX")
chmod 755 "$work"
source bench/processes.sh
cleanup() { kill_own TERM; sleep 0.5; rm -rf "$work"; }
trap cleanup EXIT

# Published as deployed (deploy/Dockerfile: ReadyToRun), into the work directory, so that a
# rebuild while the benchmark runs cannot change what it measures. BUILD=jit measures plain
# `dotnet build` output instead (what scripts/run and the tests run).
if [ -n "${BINARIES:-}" ]; then
  echo "using the binaries in $BINARIES/silo and $BINARIES/frontend" >&2
  cp -r "$BINARIES/silo" "$BINARIES/frontend" "$work/"
  # bench/scale must come from the same source as the silo: the layer format is part of every image key.
  [ -d "$BINARIES/scale-host" ] && cp -r "$BINARIES/scale-host" "$work/"
elif [ "${BUILD:-r2r}" = jit ]; then
  echo "building (Release, JIT only)" >&2
  dotnet build -c Release src/Silo -v q -nologo >/dev/null
  dotnet build -c Release src/Frontend -v q -nologo >/dev/null
  cp -r src/Silo/bin/Release/net10.0 "$work/silo"
  cp -r src/Frontend/bin/Release/net10.0 "$work/frontend"
else
  echo "publishing (Release, ReadyToRun)" >&2
  dotnet publish -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true src/Silo -o "$work/silo" -v q -nologo >/dev/null
  # Under SKIP=frontend the frontend is not published: on a loaded machine each publish takes minutes.
  [[ $skip == *,frontend,* ]] || dotnet publish -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true src/Frontend -o "$work/frontend" -v q -nologo >/dev/null
fi
silo_dll="$work/silo/Nixery.Silo.dll"
frontend_dll="$work/frontend/Nixery.Frontend.dll"

pkgs="$work/pkgs"
mkdir -p "$pkgs"
cp demo/default.nix "$pkgs/demo.nix"
cp bench/serve/packages.nix "$pkgs/default.nix"
echo "building the bench packages with Nix (once; later runs find them in the store)" >&2
nix-build --no-out-link "$pkgs" -A big -A huge -A cacert -A iana-etc >/dev/null 2>"$work/nix-build.log"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now() { date +%s.%N; }
record() { echo "$1 $2" >>"$work/results"; }
cpu_s() { awk -v t="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / t}' "/proc/$1/stat"; }
rss_kib() { awk '/VmHWM/ {print $2}' "/proc/$1/status"; }

# start KIND STORAGE [ENV...]: starts a silo or frontend and waits for /readyz; sets pid and port.
start() {
  local kind=$1 storage=$2 dll; shift 2
  port=$(free_port)
  if [ "$kind" = frontend ]; then dll=$frontend_dll; else dll=$silo_dll; fi
  env PORT="$port" STORAGE_PATH="$storage" NIXERY_PKGS_PATH="$pkgs" NIXERY_SILO_PORT="$(free_port)" \
    NIXERY_GATEWAY_PORT="$(free_port)" ${EXTRA_ENV:-} "$@" dotnet "$dll" >>"$work/processes.log" 2>&1 &
  pid=$!
  own "$pid"
  until curl -sf -o /dev/null "http://127.0.0.1:$port/readyz"; do
    kill -0 "$pid" 2>/dev/null || { tail -40 "$work/processes.log" >&2; exit 1; }
    sleep 0.05
  done
}
stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

# wrk8 URL: "requests/s p99-ms" of 8 s of GETs, 2 threads, 16 connections.
wrk8() {
  wrk -t2 -c16 -d8s --latency -H "$accept" "$1" | awk '
    /^Requests\/sec:/ {r=$2}
    /^ +99%/ {v=$2; u=v; sub(/[a-z]+$/,"",v); if (u ~ /us$/) v/=1000; else if (u ~ /ms$/) v=v; else if (u ~ /s$/) v*=1000; p=v}
    END {printf "%.0f %.3f\n", r, p}'
}
# pair NAME REGISTRY-URL NGINX-URL: one registry measurement, then nginx's.
pair() {
  local ours theirs
  ours=$(wrk8 "$2"); theirs=$(wrk8 "$3")
  record "$1.rps" "${ours% *}"; record "$1.p99" "${ours#* }"
  record "$1.nginx_rps" "${theirs% *}"; record "$1.nginx_p99" "${theirs#* }"
  record "$1.ratio" "$(echo "${ours% *} / ${theirs% *}" | bc -l)"
  printf '  %-28s %7s req/s p99 %7s ms | nginx %7s req/s p99 %7s ms\n' "$1" "${ours% *}" "${ours#* }" "${theirs% *}" "${theirs#* }" >&2
}
# blob_mbs URL STREAMS TRANSFERS: MB/s over all streams.
blob_mbs() {
  local url=$1 streams=$2 transfers=$3 t0 t1 urls=() i
  for i in $(seq "$transfers"); do urls+=(-o /dev/null "$url"); done
  t0=$(now)
  for i in $(seq "$streams"); do curl -s -w '%{size_download}\n' "${urls[@]}" >>"$work/blob-$streams" & done
  wait
  t1=$(now)
  local bytes; bytes=$(awk '{s+=$1} END {print s}' "$work/blob-$streams"); rm -f "$work/blob-$streams"
  echo "$bytes / ($t1 - $t0) / 1000000" | bc -l
}
blob_pair() { # NAME STREAMS TRANSFERS REGISTRY-URL NGINX-URL
  local ours theirs
  ours=$(blob_mbs "$4" "$2" "$3"); theirs=$(blob_mbs "$5" "$2" "$3")
  record "$1.mbs" "$ours"; record "$1.nginx_mbs" "$theirs"; record "$1.ratio" "$(echo "$ours / $theirs" | bc -l)"
  printf '  %-28s %7.0f MB/s | nginx %7.0f MB/s\n' "$1" "$ours" "$theirs" >&2
}

# nginx on the very same files: the manifest by tag and digest, and the blobs.
start_nginx() { # ROOT; sets nginx_port
  local root=$1 port conf; port=$(free_port); conf="$work/nginx-$port.conf"
  mkdir -p "$work/nginx-$port"
  cat >"$conf" <<CONF
$( [ "$(id -u)" = 0 ] && echo "user root;" )
worker_processes 2;
pid $work/nginx-$port/nginx.pid;
error_log $work/nginx-$port/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  client_body_temp_path $work/nginx-$port/body;
  proxy_temp_path $work/nginx-$port/proxy;
  fastcgi_temp_path $work/nginx-$port/fastcgi;
  uwsgi_temp_path $work/nginx-$port/uwsgi;
  scgi_temp_path $work/nginx-$port/scgi;
  server {
    listen 127.0.0.1:$port;
    root $root;
    location ~ /manifests/ { default_type $docker_type; add_header Docker-Content-Digest \$uri_digest; }
    location ~ /blobs/ { default_type application/octet-stream; }
  }
  map \$uri \$uri_digest { ~(sha256:[0-9a-f]+)\$ \$1; default ""; }
}
CONF
  nginx -e "$work/nginx-$port/error.log" -c "$conf" -g 'daemon off;' >/dev/null 2>&1 &
  own $!
  until curl -s -o /dev/null "http://127.0.0.1:$port/"; do sleep 0.05; done
  nginx_port=$port
}

# mirror PORT ROOT NAME: copies NAME:latest's manifest and blobs from the registry into an nginx root.
mirror() {
  local port=$1 root=$2 name=$3 storage=$4
  local dir="$root/v2/$name"
  mkdir -p "$dir/manifests" "$dir/blobs"
  curl -sf -H "$accept" "http://127.0.0.1:$port/v2/$name/manifests/latest" -o "$dir/manifests/latest"
  local digest; digest="sha256:$(sha256sum "$dir/manifests/latest" | cut -d' ' -f1)"
  cp "$dir/manifests/latest" "$dir/manifests/$digest"
  python3 - "$dir/manifests/latest" <<'PY' | while read -r blob; do cp "$storage/blobs/sha256/${blob#sha256:}" "$dir/blobs/$blob"; done
import json, sys
m = json.load(open(sys.argv[1]))
for d in [m["config"]] + m["layers"]: print(d["digest"])
PY
  echo "$digest"
}
largest_layer() { python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print(max(m["layers"], key=lambda l: l["size"])["digest"])' "$1"; }

median_of() { awk -v k="$1" '$1 == k {print $2}' "$work/results" | sort -g | awk '{a[NR]=$1} END {if (NR) print a[int((NR+1)/2)]; else print "nan"}'; }

storage="$work/storage"
nginx_root="$work/www"
echo "preparing: the image big:latest built once, mirrored to nginx" >&2
start silo "$storage"
curl -sf -o /dev/null -H "$accept" "http://127.0.0.1:$port/v2/big/manifests/latest"
digest=$(mirror "$port" "$nginx_root" big "$storage")
layer=$(largest_layer "$nginx_root/v2/big/manifests/latest")
layer_size=$(stat -c %s "$nginx_root/v2/big/blobs/$layer")
stop "$pid"
start_nginx "$nginx_root"
ng="http://127.0.0.1:$nginx_port/v2/big"
cmp <(curl -sf "$ng/manifests/latest") <(cat "$nginx_root/v2/big/manifests/latest")
echo "manifest $digest ($(stat -c %s "$nginx_root/v2/big/manifests/latest") bytes), largest layer $layer ($layer_size bytes)" >&2

if [[ $skip != *,frontend,* ]]; then
  redis_port=$(free_port)
  redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no >/dev/null &
  own $!
  until redis-cli -p "$redis_port" ping >/dev/null 2>&1; do sleep 0.1; done
  cluster_env=(NIXERY_CLUSTERING=redis NIXERY_CLUSTERING_CONNECTION=127.0.0.1:$redis_port NIXERY_ADVERTISED_ADDRESS=127.0.0.1)
  start silo "$work/cluster-storage" "${cluster_env[@]}"
  cluster_digest=$(curl -sf -H "$accept" "http://127.0.0.1:$port/v2/big/manifests/latest" | sha256sum | cut -d" " -f1)
  [ "sha256:$cluster_digest" = "$digest" ] || { echo "the cluster built another manifest: $cluster_digest" >&2; exit 1; }
fi

if [[ $skip != *,redirects,* ]]; then
  # Object storage on s3rver (npm, .work/node, as bench/storage uses it): the image built
  # into it once; each run then starts a fresh registry on the same bucket and state.
  [ -x .work/node/node_modules/.bin/s3rver ] || scripts/setup >/dev/null
  s3_port=$(free_port)
  mkdir -p "$work/s3rver"
  .work/node/node_modules/.bin/s3rver --address 127.0.0.1 --port "$s3_port" --directory "$work/s3rver" \
    --configure-bucket bench --silent >"$work/s3rver.log" 2>&1 &
  own $!
  until curl -s -o /dev/null "http://127.0.0.1:$s3_port/"; do sleep 0.1; done
  s3_env=(NIXERY_STORAGE_BACKEND=s3 S3_BUCKET=bench "NIXERY_S3_ENDPOINT=http://127.0.0.1:$s3_port"
    AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER)
  start silo "$work/s3-state" "${s3_env[@]}"
  s3_layer=$(curl -sf -H "$accept" "http://127.0.0.1:$port/v2/big/manifests/latest" | python3 -c 'import json,sys; m=json.load(sys.stdin); print(max(m["layers"], key=lambda l: l["size"])["digest"])')
  stop "$pid"
fi

for run in $(seq "$runs"); do
  echo "run $run of $runs" >&2
  if [[ $skip != *,manifests,* ]]; then
    start silo "$storage"
    pair single.tag.early "http://127.0.0.1:$port/v2/big/manifests/latest" "$ng/manifests/latest"
    stop "$pid"
    start silo "$storage"
    pair single.digest.early "http://127.0.0.1:$port/v2/big/manifests/$digest" "$ng/manifests/$digest"
    wrk -t2 -c16 -d"${warmup}s" -H "$accept" "http://127.0.0.1:$port/v2/big/manifests/latest" >/dev/null
    pair single.tag.warm "http://127.0.0.1:$port/v2/big/manifests/latest" "$ng/manifests/latest"
    pair single.digest.warm "http://127.0.0.1:$port/v2/big/manifests/$digest" "$ng/manifests/$digest"
  fi
  if [[ $skip != *,blobs,* ]]; then
    [[ $skip == *,manifests,* ]] && start silo "$storage"
    blob_pair blob.1 1 8 "http://127.0.0.1:$port/v2/big/blobs/$layer" "$ng/blobs/$layer"
    blob_pair blob.16 16 2 "http://127.0.0.1:$port/v2/big/blobs/$layer" "$ng/blobs/$layer"
  fi
  if [[ $skip != *,manifests,* || $skip != *,blobs,* ]]; then stop "$pid"; fi
  if [[ -n ${COMPARE_ENV:-} ]]; then
    IFS=';' read -r -a settings <<<"$COMPARE_ENV"
    for i in "${!settings[@]}"; do
      # shellcheck disable=SC2086 # each setting is a list of assignments
      start silo "$storage" ${settings[$i]}
      # CPU time per request is steadier than req/s on a shared machine: it counts only the
      # registry's own work (requests, and tiering in the background while nginx is measured).
      c0=$(cpu_s "$pid")
      pair "setting$i.tag.early" "http://127.0.0.1:$port/v2/big/manifests/latest" "$ng/manifests/latest"
      c1=$(cpu_s "$pid")
      rps=$(awk -v k="setting$i.tag.early.rps" '$1 == k {v=$2} END {print v}' "$work/results")
      record "setting$i.cpu_us" "$(echo "($c1 - $c0) * 1000000 / ($rps * 8)" | bc -l)"
      # And what the setting costs once warm: a setting that helps the first seconds must not lose the rest.
      wrk -t2 -c16 -d"${warmup}s" -H "$accept" "http://127.0.0.1:$port/v2/big/manifests/latest" >/dev/null
      c0=$(cpu_s "$pid")
      pair "setting$i.tag.warm" "http://127.0.0.1:$port/v2/big/manifests/latest" "$ng/manifests/latest"
      c1=$(cpu_s "$pid")
      rps=$(awk -v k="setting$i.tag.warm.rps" '$1 == k {v=$2} END {print v}' "$work/results")
      record "setting$i.warm_cpu_us" "$(echo "($c1 - $c0) * 1000000 / ($rps * 8)" | bc -l)"
      stop "$pid"
    done
  fi
  if [[ $skip != *,redirects,* ]]; then
    start silo "$work/s3-state" "${s3_env[@]}"
    blob_url="http://127.0.0.1:$port/v2/big/blobs/$s3_layer"
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$blob_url")" = 307 ] || { echo "no redirect for $blob_url" >&2; exit 1; }
    wrk -t2 -c16 -d8s "$blob_url" >/dev/null
    unknown=$(wrk8 "$blob_url")
    curl -sf -o /dev/null -H "$accept" "http://127.0.0.1:$port/v2/big/manifests/latest"
    known=$(wrk8 "$blob_url")
    record redirect.unknown_rps "${unknown% *}"; record redirect.unknown_p99 "${unknown#* }"
    record redirect.known_rps "${known% *}"; record redirect.known_p99 "${known#* }"
    record redirect.ratio "$(echo "${known% *} / ${unknown% *}" | bc -l)"
    printf '  %-28s %7s req/s p99 %7s ms | asking s3rver %7s req/s p99 %7s ms
' "redirect, known blob" "${known% *}" "${known#* }" "${unknown% *}" "${unknown#* }" >&2
    stop "$pid"
  fi
  if [[ $skip != *,frontend,* ]]; then
    start frontend "$work/cluster-storage" "${cluster_env[@]}"
    pair frontend.tag.early "http://127.0.0.1:$port/v2/big/manifests/latest" "$ng/manifests/latest"
    stop "$pid"
    start frontend "$work/cluster-storage" "${cluster_env[@]}"
    pair frontend.digest.early "http://127.0.0.1:$port/v2/big/manifests/$digest" "$ng/manifests/$digest"
    wrk -t2 -c16 -d"${warmup}s" -H "$accept" "http://127.0.0.1:$port/v2/big/manifests/latest" >/dev/null
    pair frontend.tag.warm "http://127.0.0.1:$port/v2/big/manifests/latest" "$ng/manifests/latest"
    pair frontend.digest.warm "http://127.0.0.1:$port/v2/big/manifests/$digest" "$ng/manifests/$digest"
    stop "$pid"
  fi
  if [[ $skip != *,cold,* ]]; then
    # The registry with empty storage: it evaluates, realises (nothing to
    # build), queries the closure, packs and stores every layer.
    start silo "$work/cold-$run"
    t0=$(now)
    skopeo copy -q --src-tls-verify=false "docker://127.0.0.1:$port/big:latest" "oci:$work/pull-$run:big" >/dev/null
    t1=$(now)
    curl -s "http://127.0.0.1:$port/metrics" >"$work/metrics-cold-$run"
    stop "$pid"
    rm -rf "$work/pull-$run" "$work/cold-$run"
    closure=$(nix-store -qR $(nix-build --no-out-link "$pkgs" -A big -A cacert -A iana-etc 2>/dev/null) | sed 's|^/||' | sort)
    t2=$(now)
    tar -C / -cf - $closure | gzip -6 | sha256sum >/dev/null
    t3=$(now)
    cold=$(echo "$t1 - $t0" | bc -l); pipe=$(echo "$t3 - $t2" | bc -l)
    record cold.s "$cold"; record cold.pipeline_s "$pipe"; record cold.ratio "$(echo "$cold / $pipe" | bc -l)"
    printf '  %-28s %7.2f s | tar | gzip -6 | sha256sum %7.2f s\n' "cold pull of big" "$cold" "$pipe" >&2
  fi
done

if [[ $skip != *,cold,* ]]; then
  # Stage breakdown of the median cold pull, from the registry's own histogram.
  median_run=$(for r in $(seq "$runs"); do echo "$r"; done | paste -d' ' - <(awk '$1 == "cold.s" {print $2}' "$work/results") | sort -k2 -g | awk -v n="$runs" 'NR == int((n+1)/2) {print $1}')
  stages=$(awk '/^nixery_build_stage_duration_seconds_sum/ {match($0, /stage="[^"]+"/); s=substr($0, RSTART+7, RLENGTH-8); printf "%s=%.3f ", s, $2}' "$work/metrics-cold-$median_run")
fi

if [[ $skip != *,packing,* ]]; then
  echo "packing: bench/compression/run.sh" >&2
  RUNS=$runs bench/compression/run.sh >"$work/compression.txt" 2>&1 || true
  speed=$(awk '/^speed ours\/baseline/ {sub(/x$/, "", $3); print $3}' "$work/compression.txt")
  ours_mbs=$(awk '/^ours +LayerWriter/ {for (i=1;i<=NF;i++) if ($i=="MB/s") print $(i-1)}' "$work/compression.txt")
  go_mbs=$(awk '/^baseline/ {for (i=1;i<=NF;i++) if ($i=="MB/s") print $(i-1)}' "$work/compression.txt")
  record packing.ratio "${speed:-nan}"; record packing.mbs "${ours_mbs:-nan}"; record packing.go_mbs "${go_mbs:-nan}"
fi

if [[ $skip != *,memory,* ]]; then
  echo "memory: building huge (1 GiB closure) in a fresh registry" >&2
  start silo "$work/huge"
  curl -sf -o /dev/null -H "$accept" "http://127.0.0.1:$port/v2/huge/manifests/latest"
  record rss.mib "$(( $(rss_kib "$pid") / 1024 ))"
  stop "$pid"
  rm -rf "$work/huge"
fi

if [ -n "${SCALE:-}" ]; then
  # SCALE distinct cached images: subsets of 17 packages of the demo set (each alone, then
  # every pair, triple, ... in order), made by bench/scale: the registry's own silo, image
  # pipeline and API (layering, customisation layer, manifests, grain state, storage), where
  # Nix is asked once per package instead of once per image (an image's closure is the union
  # of its packages' closures), 8 requests at a time. Then the real registry starts on that
  # storage and is sent every image's manifest by tag once (a grain activation reading the
  # stored image; nothing is built), and warm manifests by tag are requested round robin by
  # 100 connections over all SCALE images, against the same load over only 10 of them, in
  # the same process; RSS after.
  echo "scale: making $SCALE distinct images with bench/scale" >&2
  if [ ! -d "$work/scale-host" ]; then
    dotnet build -c Release bench/scale -v q -nologo >/dev/null
    cp -r bench/scale/bin/Release/net10.0 "$work/scale-host"
  fi
  python3 - "$SCALE" >"$work/scale-names" <<'PY'
import itertools, sys
pkgs = ["1password", "bashinteractive", "busybox", "coreutils", "curl", "git", "hello", "htop", "jq",
        "moreutils", "nano", "ncurses", "openssl", "python3", "python3packages.requests", "xorg.xev", "zlib"]
n = int(sys.argv[1]); names = []
for k in range(1, len(pkgs) + 1):
    for combo in itertools.combinations(pkgs, k):
        names.append("/".join(combo))
        if len(names) == n: break
    if len(names) == n: break
print("\n".join(names))
PY
  # scale_statuses PORT: every image's manifest by tag once, 8 at a time; fails unless all are 200.
  scale_statuses() {
    xargs -P 8 -I{} curl -s -o /dev/null -w '%{http_code}\n' -H "$accept" "http://127.0.0.1:$1/v2/{}/manifests/latest" <"$work/scale-names" >"$work/scale-statuses"
    sort "$work/scale-statuses" | uniq -c >&2
    [ "$(grep -c '^200$' "$work/scale-statuses")" = "$SCALE" ] || { echo "not every one of the $SCALE images was answered with 200" >&2; exit 1; }
  }
  # SCALE_STORE=DIR keeps the images there, and a later run with the same SCALE and the same
  # grains (the layer format is part of every image key: images made by other code would be
  # built again, with Nix) serves them without making them again.
  scale_store=${SCALE_STORE:-$work/scale}
  made="$scale_store/.made-$SCALE-$(md5sum "$work/silo/Nixery.Grains.dll" | cut -c1-12)"
  if [ -f "$made" ]; then
    echo "  reusing the images made before in $scale_store" >&2
  else
    scale_port=$(free_port)
    # One client asks for every build: the per-client limit on cold builds is off for it.
    env PORT="$scale_port" STORAGE_PATH="$scale_store" NIXERY_PKGS_PATH="$pkgs" NIXERY_SILO_PORT="$(free_port)" \
      NIXERY_GATEWAY_PORT="$(free_port)" NIXERY_COLD_BUILDS_PER_CLIENT=0 dotnet "$work/scale-host/Nixery.Bench.Scale.dll" >>"$work/scale-host.log" 2>&1 &
    scale_pid=$!; own "$scale_pid"
    until curl -sf -o /dev/null "http://127.0.0.1:$scale_port/v2/"; do
      kill -0 "$scale_pid" 2>/dev/null || { tail -40 "$work/scale-host.log" >&2; exit 1; }
      sleep 0.1
    done
    t0=$(now)
    scale_statuses "$scale_port"
    echo "  made in $(printf '%.0f' "$(echo "$(now) - $t0" | bc -l)") s" >&2
    stop "$scale_pid"
    touch "$made"
  fi
  start silo "$scale_store"
  t0=$(now)
  scale_statuses "$port"
  echo "  every image once through the real registry in $(printf '%.0f' "$(echo "$(now) - $t0" | bc -l)") s" >&2
  cat >"$work/round-robin.lua" <<'LUA'
local paths = {}
for line in io.lines(os.getenv("SCALE_URLS")) do paths[#paths + 1] = line end
local i = math.random(#paths)
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i], { ["Accept"] = "application/vnd.docker.distribution.manifest.v2+json" })
end
LUA
  sed 's|.*|/v2/&/manifests/latest|' "$work/scale-names" >"$work/scale-all"
  # The 10 are spread evenly over the SCALE names, so that they differ from all of them only in
  # number: the first 10 are single packages (names of 7 characters on average against 39 for
  # 10,000), and a shorter name costs less to route, validate and hash on every request.
  awk -v step=$(( SCALE >= 10 ? SCALE / 10 : 1 )) 'NR % step == 0' "$work/scale-all" | head -10 >"$work/scale-ten"
  wrk100() { SCALE_URLS=$1 wrk -t2 -c100 -d8s --latency -s "$work/round-robin.lua" "http://127.0.0.1:$port" | awk '/^Requests\/sec:/ {print $2}'; }
  wrk100 "$work/scale-all" >/dev/null   # warm-up, every image through the cache
  for run in $(seq "$runs"); do
    few=$(wrk100 "$work/scale-ten"); many=$(wrk100 "$work/scale-all")
    record scale.few "$few"; record scale.many "$many"; record scale.ratio "$(echo "$many / $few" | bc -l)"
    printf '  %-28s %7.0f req/s | 10 images %7.0f req/s\n' "$SCALE images, 100 connections" "$many" "$few" >&2
  done
  record scale.rss "$(( $(awk '/VmRSS/ {print $2}' "/proc/$pid/status") / 1024 ))"
  stop "$pid"
fi

m() { median_of "$1"; }
fmt() { if [ "$2" = nan ]; then echo "–"; else printf "$1" "$2"; fi; }
verdict() { # value op goal
  [ "$1" = nan ] && { echo "not measured"; return; }
  if [ "$(echo "$1 $2 $3" | bc -l)" = 1 ]; then echo "met"; else echo "NOT met"; fi
}
echo
echo "bench/serve: median of $runs runs on $(nproc) cores; ratios are medians of same-run pairs; load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-44s %14s %14s %8s %s\n' measure registry nginx ratio goal
row() { # label key goal-op goal [p99-goal]
  local label=$1 key=$2 op=$3 goal=$4 p99goal=${5:-}
  local r rp n np ratio v
  r=$(m "$key.rps"); rp=$(m "$key.p99"); n=$(m "$key.nginx_rps"); np=$(m "$key.nginx_p99"); ratio=$(m "$key.ratio")
  [ "$r" = nan ] && return
  v=$(verdict "$ratio" "$op" "$goal")
  if [ -n "$p99goal" ] && [ "$v" = met ]; then v=$(verdict "$rp" "<" "$p99goal"); fi
  printf '%-44s %6.0f/s %5.2fms %6.0f/s %5.2fms %6.2fx  %s %s%s: %s\n' "$label" "$r" "$rp" "$n" "$np" "$ratio" "$op" "$goal" "${p99goal:+, p99 < ${p99goal} ms}" "$v"
}
row "manifest by tag, first 8 s, single" single.tag.early ">=" 0.35
row "manifest by digest, first 8 s, single" single.digest.early ">=" 0.35
row "manifest by tag, warm, single" single.tag.warm ">=" 0.6 2
row "manifest by digest, warm, single" single.digest.warm ">=" 0.6 2
row "manifest by tag, first 8 s, frontend" frontend.tag.early ">=" 0.35
row "manifest by digest, first 8 s, frontend" frontend.digest.early ">=" 0.35
row "manifest by tag, warm, frontend" frontend.tag.warm ">=" 0.6 2
row "manifest by digest, warm, frontend" frontend.digest.warm ">=" 0.6 2
if [ -n "${COMPARE_ENV:-}" ]; then
  IFS=';' read -r -a settings <<<"$COMPARE_ENV"
  for i in "${!settings[@]}"; do
    row "by tag, first 8 s: ${settings[$i]:-default}" "setting$i.tag.early" ">=" 0.35
    printf '%-44s %6.1f us of CPU per request (registry process, median)\n' "" "$(m "setting$i.cpu_us")"
    row "by tag, warm: ${settings[$i]:-default}" "setting$i.tag.warm" ">=" 0.6 2
    printf '%-44s %6.1f us of CPU per request (registry process, median)\n' "" "$(m "setting$i.warm_cpu_us")"
  done
fi
for b in 1 16; do
  r=$(m "blob.$b.mbs"); [ "$r" = nan ] && continue
  printf '%-44s %9.0f MB/s %9.0f MB/s %6.2fx  >= 0.9: %s\n' "blob GET, $b stream(s)" "$r" "$(m "blob.$b.nginx_mbs")" "$(m "blob.$b.ratio")" "$(verdict "$(m "blob.$b.ratio")" ">=" 0.9)"
done
if [ "$(m redirect.ratio)" != nan ]; then
  printf '%-44s %6.0f/s %5.2fms %6.0f/s %5.2fms %6.2fx  (second column: a blob it must ask s3rver about)\n' "blob redirect to s3rver, known blob" \
    "$(m redirect.known_rps)" "$(m redirect.known_p99)" "$(m redirect.unknown_rps)" "$(m redirect.unknown_p99)" "$(m redirect.ratio)"
fi
if [ "$(m cold.s)" != nan ]; then
  printf '%-44s %12.2f s %10.2f s %6.2fx  <= 0.33: %s\n' "cold pull of big (67 MB) vs tar|gzip -6|sha256" "$(m cold.s)" "$(m cold.pipeline_s)" "$(m cold.ratio)" "$(verdict "$(m cold.ratio)" "<=" 0.33)"
  echo "  stages of the median cold pull (seconds): $stages"
fi
if [ "$(m packing.ratio)" != nan ]; then
  printf '%-44s %9s MB/s %9s MB/s %6sx  >= 4: %s (ratio of medians, bench/compression)\n' "packing vs the Go packer" "$(m packing.mbs)" "$(m packing.go_mbs)" "$(m packing.ratio)" "$(verdict "$(m packing.ratio)" ">=" 4)"
fi
if [ "$(m scale.ratio)" != nan ]; then
  printf '%-44s %9.0f/s %12.0f/s %6.2fx  >= 0.8: %s (10 images in the second column; RSS %s MiB)\n' "$SCALE images, 100 connections, by tag" "$(m scale.many)" "$(m scale.few)" "$(m scale.ratio)" "$(verdict "$(m scale.ratio)" ">=" 0.8)" "$(m scale.rss)"
fi
if [ "$(m rss.mib)" != nan ]; then
  printf '%-44s %12s MiB %27s  <= 400 MB: %s\n' "peak RSS after building huge (1 GiB closure)" "$(m rss.mib)" "" "$(verdict "$(m rss.mib) * 1048576 / 1000000" "<=" 400)"
fi
