#!/usr/bin/env bash
# The added cost of token authentication on a warm manifest GET: requests per
# second of the same registry build, one process without authentication and
# one with it (htpasswd, a bearer token on every request), measured in the
# same run, after an unmeasured warm-up run on each, interleaved (open, auth,
# open, auth, ...) so that drift on a shared machine falls on both. Also: a GET /token with Basic credentials (bcrypt
# and an ES256 signature per request) against an anonymous /v2/ as its baseline.
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/setup >/dev/null
command -v wrk >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >/dev/null
source scripts/nix-env

duration=${DURATION:-10s}
connections=${CONNECTIONS:-16}
work=$(mktemp -d)
source bench/processes.sh
cleanup() { kill_own TERM; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

dotnet build -c Release src/Silo -v q -nologo >/dev/null
silo_dll="$PWD/src/Silo/bin/Release/net10.0/Nixery.Silo.dll"
accept="Accept: application/vnd.docker.distribution.manifest.v2+json"
password="bench-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')"
htpasswd -B -b -c "$work/htpasswd" bench "$password" 2>/dev/null

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_ready() { until curl -sf "http://127.0.0.1:$1/readyz" >/dev/null; do sleep 0.2; done; }
start() { # port storage extra-env...
  local port=$1 storage=$2; shift 2
  env PORT="$port" STORAGE_PATH="$storage" NIXERY_PKGS_PATH="$PWD/demo" NIXERY_SILO_PORT="$(free_port)" NIXERY_GATEWAY_PORT="$(free_port)" "$@" \
    dotnet "$silo_dll" >>"$work/processes.log" 2>&1 &
  own $!
}
rps() { # wrk arguments...: requests per second
  local out; out=$(wrk -t2 -c"$connections" -d"$duration" "$@")
  if grep -q "Non-2xx" <<<"$out"; then echo "FAIL: non-2xx answers: $*" >&2; echo "$out" >&2; exit 1; fi
  awk '/^Requests\/sec:/ {print $2}' <<<"$out"
}
ratio() { python3 -c "print(f'{$1 / $2:.3f}')"; }

open_port=$(free_port); start "$open_port" "$work/open"
auth_port=$(free_port); start "$auth_port" "$work/auth" NIXERY_AUTH_HTPASSWD="$work/htpasswd" NIXERY_AUTH_TOKEN_LIFETIME=3600
wait_ready "$open_port"; wait_ready "$auth_port"

token=$(curl -sf -u "bench:$password" "http://127.0.0.1:$auth_port/token?service=nixery&scope=repository:hello:pull" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
bearer="Authorization: Bearer $token"
# Warm both: the image is built and its manifest served once before measuring.
curl -sf -o /dev/null -H "$accept" "http://127.0.0.1:$open_port/v2/hello/manifests/latest"
curl -sf -o /dev/null -H "$accept" -H "$bearer" "http://127.0.0.1:$auth_port/v2/hello/manifests/latest"
test "$(curl -s -o /dev/null -w '%{http_code}' -H "$accept" "http://127.0.0.1:$auth_port/v2/hello/manifests/latest")" = 401

# JIT tiering and the first connections make the first seconds slower: one
# unmeasured run on each process first.
rps -H "$accept" "http://127.0.0.1:$open_port/v2/hello/manifests/latest" >/dev/null
rps -H "$accept" -H "$bearer" "http://127.0.0.1:$auth_port/v2/hello/manifests/latest" >/dev/null

echo "warm GET /v2/hello/manifests/latest, wrk -t2 -c$connections -d$duration, requests/s, ${rounds:=3} interleaved rounds"
open_runs=(); auth_runs=()
for round in $(seq "$rounds"); do
  open_runs+=("$(rps -H "$accept" "http://127.0.0.1:$open_port/v2/hello/manifests/latest")")
  auth_runs+=("$(rps -H "$accept" -H "$bearer" "http://127.0.0.1:$auth_port/v2/hello/manifests/latest")")
done
open_mean=$(python3 -c "print(round(($(IFS=+; echo "${open_runs[*]}"))/${#open_runs[@]}, 1))")
auth_mean=$(python3 -c "print(round(($(IFS=+; echo "${auth_runs[*]}"))/${#auth_runs[@]}, 1))")
echo "  without authentication (baseline): ${open_runs[*]} -> mean $open_mean"
echo "  with a bearer token:               ${auth_runs[*]} -> mean $auth_mean  (ratio $(ratio "$auth_mean" "$open_mean"))"

echo "token issuing, requests/s"
basic="Authorization: Basic $(printf 'bench:%s' "$password" | base64 -w0)"
v2=$(rps -H "$bearer" "http://127.0.0.1:$auth_port/v2/")
issue=$(rps -H "$basic" "http://127.0.0.1:$auth_port/token?service=nixery&scope=repository:hello:pull")
echo "  GET /v2/ with a token (baseline):  $v2"
echo "  GET /token with Basic credentials: $issue  (ratio $(ratio "$issue" "$v2"); bcrypt cost $(cut -d'$' -f3 "$work/htpasswd"))"
if grep -q "$password" "$work/processes.log"; then echo "FAIL: the password reached the log"; exit 1; fi
