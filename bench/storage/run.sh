#!/usr/bin/env bash
# Pull throughput of the real registry on each storage backend, relative to
# the filesystem backend measured in the same run:
#   filesystem             STORAGE_PATH on local disk (the baseline);
#   azure   redirect|proxy Azurite (npm), in memory;
#   s3      redirect|proxy s3rver (npm), on local disk;
#   gcs     redirect|proxy the GCS stand-in (test/StorageServers), in memory.
# The stand-in is a fake written for the tests, not Google Cloud Storage, and
# all three servers are local emulators: the figures compare the registry's
# paths (redirect: the client fetches from the storage server; proxy: the
# registry streams through), not the clouds. Each configuration gets a fresh
# registry and bucket, one warm-up pull (which builds and uploads the image),
# then RUNS timed `skopeo copy` pulls of the demo set's `large` image into
# fresh OCI layouts. Prints the median of each, MB/s, and the ratio to
# filesystem.
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/setup >/dev/null
source scripts/nix-env
runs="${RUNS:-5}"
image="${IMAGE:-large}"

work=$(mktemp -d)
source bench/processes.sh
cleanup() {
  kill_own TERM
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

dotnet build -c Release src/Silo -v q -nologo >/dev/null
dotnet build -c Release test/StorageServers -v q -nologo >/dev/null
silo="$PWD/src/Silo/bin/Release/net10.0/Nixery.Silo.dll"
servers="$PWD/test/StorageServers/bin/Release/net10.0/Nixery.StorageServers.dll"

now() { date +%s.%N; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 200); do (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return; sleep 0.1; done; echo "port $1 never opened" >&2; exit 1; }

# The storage servers, started once.
azurite_port=$(free_port)
.work/node/node_modules/.bin/azurite-blob --inMemoryPersistence --blobHost 127.0.0.1 --blobPort "$azurite_port" \
  --skipApiVersionCheck --silent >"$work/azurite.log" 2>&1 &
own $!
s3_port=$(free_port)
mkdir -p "$work/s3rver"
.work/node/node_modules/.bin/s3rver --address 127.0.0.1 --port "$s3_port" --directory "$work/s3rver" \
  --configure-bucket bench --silent >"$work/s3rver.log" 2>&1 &
own $!
gcs_port=$(free_port)
dotnet "$servers" gcs-stand-in --port "$gcs_port" --bucket bench --key-directory "$work" >"$work/gcs.log" 2>&1 &
own $!
wait_port "$azurite_port"; wait_port "$s3_port"; wait_port "$gcs_port"
for _ in $(seq 100); do grep -q '^key ' "$work/gcs.log" && break; sleep 0.1; done
gcs_endpoint=$(sed -n 's/^endpoint //p' "$work/gcs.log")
gcs_key=$(sed -n 's/^key //p' "$work/gcs.log")
azure="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:$azurite_port/devstoreaccount1;"

configuration() { # name -> environment assignments for the registry
  case "$1" in
    filesystem)     echo "NIXERY_STORAGE_BACKEND=filesystem" ;;
    azure-redirect) echo "NIXERY_STORAGE_BACKEND=azure NIXERY_AZURE_CONNECTION_STRING=$azure NIXERY_AZURE_CONTAINER=redirect" ;;
    azure-proxy)    echo "NIXERY_STORAGE_BACKEND=azure NIXERY_AZURE_CONNECTION_STRING=$azure NIXERY_AZURE_CONTAINER=proxy NIXERY_STORAGE_REDIRECTS=false" ;;
    s3-redirect)    echo "NIXERY_STORAGE_BACKEND=s3 S3_BUCKET=bench NIXERY_S3_ENDPOINT=http://127.0.0.1:$s3_port AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER" ;;
    s3-proxy)       echo "NIXERY_STORAGE_BACKEND=s3 S3_BUCKET=bench NIXERY_S3_ENDPOINT=http://127.0.0.1:$s3_port AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER S3_USE_PRESIGNED_URLS=false" ;;
    gcs-redirect)   echo "NIXERY_STORAGE_BACKEND=gcs GCS_BUCKET=bench NIXERY_GCS_ENDPOINT=$gcs_endpoint GOOGLE_APPLICATION_CREDENTIALS=$gcs_key" ;;
    gcs-proxy)      echo "NIXERY_STORAGE_BACKEND=gcs GCS_BUCKET=bench NIXERY_GCS_ENDPOINT=$gcs_endpoint" ;;
  esac
}

pull() { # address destination
  skopeo copy -q --src-tls-verify=false "docker://$1/$image:latest" "oci:$2:image" >/dev/null
}
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

names=(filesystem azure-redirect azure-proxy s3-redirect s3-proxy gcs-redirect gcs-proxy)
declare -A seconds
bytes=0
for name in "${names[@]}"; do
  port=$(free_port)
  # The backends share one bucket per server; a fresh registry state directory each.
  env $(configuration "$name") PORT="$port" NIXERY_PKGS_PATH="$PWD/demo" STORAGE_PATH="$work/registry-$name" \
    NIXERY_SILO_PORT=$(free_port) NIXERY_GATEWAY_PORT=$(free_port) \
    dotnet "$silo" >"$work/registry-$name.log" 2>&1 &
  registry=$!; own "$registry"
  until curl -sf "http://127.0.0.1:$port/v2/" >/dev/null; do
    kill -0 "$registry" 2>/dev/null || { cat "$work/registry-$name.log"; exit 1; }
    sleep 0.1
  done
  pull "127.0.0.1:$port" "$work/warm-$name"
  times=()
  for run in $(seq "$runs"); do
    rm -rf "$work/pull"
    t0=$(now); pull "127.0.0.1:$port" "$work/pull"; t1=$(now)
    times+=("$(echo "$t1 - $t0" | bc)")
  done
  bytes=$(du -sb "$work/pull/blobs" | cut -f1)
  seconds[$name]=$(median "${times[@]}")
  kill "$registry"; wait "$registry" 2>/dev/null || true
  echo "$name: ${times[*]} s"
done

echo
echo "median of $runs pulls of $image ($((bytes / 1000000)) MB of blobs, skopeo copy to an OCI layout), 2 cores, loopback:"
base=${seconds[filesystem]}
for name in "${names[@]}"; do
  s=${seconds[$name]}
  printf '  %-15s %6.3f s  %7.1f MB/s  %5.2fx filesystem throughput\n' "$name" "$s" "$(echo "$bytes / $s / 1000000" | bc -l)" "$(echo "$base / $s" | bc -l)"
done
