#!/usr/bin/env bash
# Pull timings of the demo set's large package (47 MB), with baselines
# measured in the same run:
#   cold   the registry builds the image: Nix builds, layers are packed;
#   warm   the same pull again: manifest from grain state, blobs from disk;
#   nix    nix-build of the same packages (large, cacert, iana-etc) alone:
#          the part of cold that is Nix;
#   distribution  Debian's docker-registry (CNCF distribution 2.8) serving
#          the very same image, pulled the same way.
# Every cold run uses a freshly salted copy of the demo set, so Nix really
# builds. Prints figures, then ratios.
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/setup >/dev/null
command -v docker-registry >/dev/null || { DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker-registry >/dev/null; }
source scripts/nix-env
runs="${RUNS:-3}"

work=$(mktemp -d)
source bench/processes.sh
cleanup() { kill_own TERM; rm -rf "$work"; }
trap cleanup EXIT

dotnet build -c Release src/Silo -v q -nologo >/dev/null
silo="$PWD/src/Silo/bin/Release/net10.0/Nixery.Silo.dll"

# A copy of the demo set whose derivations all carry a salt: new store paths.
salted() {
  local dir="$work/demo-$1"
  cp -r demo "$dir"
  sed -i "s|salt = \"\";|salt = \"$1\";|" "$dir/default.nix"
  echo "$dir"
}
now() { date +%s.%N; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

pull() { # registry-address destination
  skopeo copy -q --src-tls-verify=false "docker://$1/large:latest" "oci:$2:large" >/dev/null
}

declare -a cold warm nix dist peak
for run in $(seq "$runs"); do
  salt="bench-$(date +%s%N)"
  pkgs=$(salted "$salt")
  port=$(free_port)
  NIXERY_PKGS_PATH="$pkgs" STORAGE_PATH="$work/storage-$run" PORT="$port" \
    NIXERY_SILO_PORT=$(free_port) NIXERY_GATEWAY_PORT=$(free_port) \
    dotnet "$silo" >"$work/registry-$run.log" 2>&1 &
  registry=$!; own "$registry"
  until curl -sf "http://127.0.0.1:$port/v2/" >/dev/null; do sleep 0.1; done
  start_rss=$(awk '/VmHWM/ {print $2}' "/proc/$registry/status")

  t0=$(now); pull "127.0.0.1:$port" "$work/cold-$run"; t1=$(now)
  cold+=("$(echo "$t1 - $t0" | bc)")
  peak+=("$(awk '/VmHWM/ {print $2}' "/proc/$registry/status")")
  t0=$(now); pull "127.0.0.1:$port" "$work/warm-$run"; t1=$(now)
  warm+=("$(echo "$t1 - $t0" | bc)")
  kill "$registry"; wait "$registry" 2>/dev/null || true

  # Nix alone, on another salt so it builds from scratch too.
  pkgs2=$(salted "$salt-nix")
  t0=$(now); nix-build --no-out-link -A large -A cacert -A iana-etc "$pkgs2" >/dev/null 2>&1; t1=$(now)
  nix+=("$(echo "$t1 - $t0" | bc)")

  # distribution serving the same image.
  dport=$(free_port)
  cat >"$work/distribution-$run.yml" <<YML
version: 0.1
log: { level: error }
storage: { filesystem: { rootdirectory: $work/distribution-$run } }
http: { addr: 127.0.0.1:$dport }
YML
  docker-registry serve "$work/distribution-$run.yml" >/dev/null 2>&1 &
  dist_pid=$!; own "$dist_pid"
  until curl -sf "http://127.0.0.1:$dport/v2/" >/dev/null; do sleep 0.1; done
  skopeo copy -q --dest-tls-verify=false "oci:$work/cold-$run:large" "docker://127.0.0.1:$dport/large:latest" >/dev/null
  t0=$(now); pull "127.0.0.1:$dport" "$work/dist-$run"; t1=$(now)
  dist+=("$(echo "$t1 - $t0" | bc)")
  kill "$dist_pid"
  echo "run $run: cold ${cold[-1]} s, warm ${warm[-1]} s, nix-build ${nix[-1]} s, distribution ${dist[-1]} s, registry peak RSS $((peak[-1] / 1024)) MiB (at start $((start_rss / 1024)) MiB)"
done

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
mc=$(median "${cold[@]}"); mw=$(median "${warm[@]}"); mn=$(median "${nix[@]}"); md=$(median "${dist[@]}"); mp=$(median "${peak[@]}")
echo
echo "median of $runs runs, pulling large (47 MB, skopeo copy to an OCI layout):"
printf '  cold pull            %6.2f s\n' "$mc"
printf '  nix-build alone      %6.2f s\n' "$mn"
printf '  warm pull            %6.2f s\n' "$mw"
printf '  distribution pull    %6.2f s\n' "$md"
printf '  registry peak RSS    %6d MiB\n' "$((mp / 1024))"
printf 'cold pull / nix-build alone: %.2fx\n' "$(echo "$mc / $mn" | bc -l)"
printf 'warm pull / distribution pull: %.2fx\n' "$(echo "$mw / $md" | bc -l)"
