#!/usr/bin/env bash
# Bytes a real client downloads from the real registry, per layering
# strategy: podman, with one local image store, pulls a sequence of images
# of the demo package set; then zlib gets a new version (zlib and everything
# that refers to it get new store paths, as in Nix) and podman pulls the same
# sequence again. Bytes come from the registry's own counter of blob bytes
# served. nixery runs with popularity data computed from the package set
# (`Nixery.Silo popularity`), as Nixery runs in production.
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/setup >/dev/null
source scripts/nix-env
export CONTAINERS_CONF="$PWD/.work/containers.conf"

work=$(mktemp -d)
registry=""
cleanup() { [ -n "$registry" ] && kill "$registry" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

dotnet build -c Release src/Silo -v q -nologo >/dev/null
silo="$PWD/src/Silo/bin/Release/net10.0/Nixery.Silo.dll"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
served() { curl -s "http://127.0.0.1:$1/metrics" | awk '/^nixery_blob_served_bytes_total/ {s+=$2} END {printf "%d", s}'; }
images=(hello shell/hello git git/htop curl/jq python3packages.requests python3packages.numpy shell/git/htop xorg.xev/hello large)

pkgs="$work/demo"
cp -r demo "$pkgs"
sed -i "s|salt = \"\";|salt = \"layering-e2e-$(date +%s%N)\";|" "$pkgs/default.nix"
NIXERY_PKGS_PATH="$pkgs" STORAGE_PATH="$work/popularity-storage" dotnet "$silo" popularity "$work/popularity.json" 2>/dev/null

declare -A first second
for strategy in stable nixery popularity; do
  rev="$work/$strategy-pkgs"; cp -r "$pkgs" "$rev"
  port=$(free_port)
  extra=(); [ "$strategy" = nixery ] && extra=(NIXERY_POPULARITY_FILE="$work/popularity.json")
  env NIXERY_PKGS_PATH="$rev" STORAGE_PATH="$work/$strategy-storage" PORT="$port" NIXERY_LAYERING="$strategy" NIXERY_SOURCE_REFRESH=0 \
    NIXERY_SILO_PORT="$(free_port)" NIXERY_GATEWAY_PORT="$(free_port)" "${extra[@]}" dotnet "$silo" >"$work/$strategy.log" 2>&1 &
  registry=$!
  until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do sleep 0.2; done
  store=(--root "$work/$strategy-podman" --runroot "$work/$strategy-podman-run")
  pull_all() { for image in "${images[@]}"; do podman "${store[@]}" pull -q --tls-verify=false "127.0.0.1:$port/$image:latest" >/dev/null; done; }
  pull_all
  first[$strategy]=$(served "$port")
  sed -i 's|zlib = mkLibrary { pname = "zlib"; version = "1.3.1"; };|zlib = mkLibrary { pname = "zlib"; version = "1.3.2"; };|' "$rev/default.nix"
  pull_all
  second[$strategy]=$(( $(served "$port") - first[$strategy] ))
  podman "${store[@]}" system reset --force >/dev/null 2>&1 || true
  kill "$registry"; wait "$registry" 2>/dev/null || true; registry=""
done

printf '%-11s %16s %24s\n' strategy "sequence bytes" "after zlib update bytes"
for strategy in stable nixery popularity; do printf '%-11s %16d %24d\n' "$strategy" "${first[$strategy]}" "${second[$strategy]}"; done
ratio() { echo "scale=3; $1 / $2" | bc; }
echo "stable sequence bytes: $(ratio "${first[stable]}" "${first[nixery]}")x nixery, $(ratio "${first[stable]}" "${first[popularity]}")x popularity"
echo "stable bytes after the update: $(ratio "${second[stable]}" "${second[nixery]}")x nixery, $(ratio "${second[stable]}" "${second[popularity]}")x popularity"
