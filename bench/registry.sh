#!/usr/bin/env bash
# Benchmark of data-registry's hot endpoints against a bare actix-web handler,
# on the same machine, in the same run (issue 3):
#   requests/s and p99 latency at 64 connections of
#   - a bare actix-web handler answering a body of the descriptor's size,
#   - GET /api/packages/{owner}/{name} (a full 200), from the read cache and
#     cold (a process with its cache off: every read goes to the database),
#   - the same with If-None-Match (a 304),
#   - GET /{owner}/{name}/datapackage.json (the plain Data Package URL),
#   - GET /api/search?q=…,
#   - POST /api/packages/{owner}/{name} with force (publishing a small package),
# on SQLite (the default) and, when BENCH_POSTGRES names a server, on Postgres.
#
#   BENCH_SECONDS=10        duration of each wrk run
#   BENCH_CONNECTIONS=64    concurrent connections
#   BENCH_POSTGRES=postgres://postgres@127.0.0.1/postgres   also run on Postgres
#   BENCH_DOCS=docs/performance.md   where the table goes ("" to skip)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SECONDS_PER_RUN=${BENCH_SECONDS:-10}
CONNS=${BENCH_CONNECTIONS:-64}
DOCS=${BENCH_DOCS-docs/performance.md}
PG_ADMIN=${BENCH_POSTGRES:-}

command -v wrk >/dev/null || { apt-get install -y -q wrk >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q wrk >/dev/null; }; }
command -v wrk >/dev/null || { echo "wrk is missing and could not be installed" >&2; exit 2; }

echo "== building (release)" >&2
cargo build --release -q -p registry-server --bin data-registry --example bare_actix
TARGET_DIR=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
REGISTRY=$TARGET_DIR/release/data-registry
BARE=$TARGET_DIR/release/examples/bare_actix

WORK=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { for _ in $(seq 1 200); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done; echo "no answer from $1" >&2; return 1; }

# A realistic small package: a ten-field schema, one CSV resource.
python3 - "$WORK" <<'PY'
import json, sys, hashlib
work = sys.argv[1]
csv = "id,country,year,value,flag,date,ratio,code,label,note\n" + "".join(
    f"{i},Country {i},{2000+i%20},{i*3.5},{'true' if i%2 else 'false'},2024-01-{1+i%28:02d},{i/7:.3f},C{i:04d},label {i},\n" for i in range(200))
open(f"{work}/table.csv", "w").write(csv)
fields = [{"name": n, "type": t, "description": f"The {n} of the row"} for n, t in [
    ("id","integer"),("country","string"),("year","year"),("value","number"),("flag","boolean"),
    ("date","date"),("ratio","number"),("code","string"),("label","string"),("note","string")]]
descriptor = {"name": "bench", "title": "Benchmark package", "description": "A small package for the registry benchmark",
    "licenses": [{"name": "ODC-PDDL-1.0"}],
    "resources": [{"name": "table", "path": "data/table.csv", "format": "csv", "schema": {"fields": fields, "primaryKey": ["id"]}}]}
sha = hashlib.sha256(csv.encode()).hexdigest()
json.dump({"descriptor": descriptor, "files": [{"path": "data/table.csv", "sha256": sha, "size": len(csv.encode())}], "force": True},
          open(f"{work}/publish.json", "w"))
open(f"{work}/sha", "w").write(sha)
PY
SHA=$(cat "$WORK/sha")
SIZE=$(stat -c %s "$WORK/table.csv")

cat > "$WORK/publish.lua" <<'LUA'
local f = io.open(os.getenv("PUBLISH_BODY"), "r")
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
LUA

RESULTS=$WORK/results.tsv
: > "$RESULTS"

# run LABEL BACKEND URL [wrk args...]: one wrk run, one line of results.
run() {
  local label=$1 backend=$2 url=$3; shift 3
  local out
  out=$(wrk -t2 -c"$CONNS" -d"${SECONDS_PER_RUN}s" --latency "$@" "$url")
  local rps p99 non2xx
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $5}' <<<"$out")
  printf '%s\t%s\t%s\t%s\t%s\n' "$label" "$backend" "$rps" "$p99" "${non2xx:-0}" >> "$RESULTS"
  printf '%-46s %-9s %10s req/s  p99 %8s  errors %s\n' "$label" "$backend" "$rps" "$p99" "${non2xx:-0}" >&2
}

bench_registry() {
  local backend=$1 database_url=$2
  local port; port=$(free_port)
  local base="http://127.0.0.1:$port"
  DATABASE_URL=$database_url DATA_REGISTRY_LOG=warn "$REGISTRY" serve --bind "127.0.0.1:$port" --data-dir "$WORK/data-$backend" \
    >"$WORK/registry-$backend.log" 2>&1 &
  PIDS+=($!)
  wait_http "$base/api/health"
  local token
  token=$(curl -sf -X POST "$base/api/auth/signup" -H 'content-type: application/json' \
    -d '{"username":"bench","email":"bench@example.org","password":"benchmark-password"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
  curl -sf -X PUT "$base/api/blobs/$SHA?size=$SIZE" -H "Authorization: Bearer $token" \
    -H 'content-type: application/octet-stream' --data-binary @"$WORK/table.csv" >/dev/null
  curl -sf -X POST "$base/api/packages/bench/bench" -H "Authorization: Bearer $token" \
    -H 'content-type: application/json' --data-binary @"$WORK/publish.json" >/dev/null
  local etag
  etag=$(curl -sf -D - -o /dev/null "$base/api/packages/bench/bench" | awk 'tolower($1)=="etag:" {print $2}' | tr -d '\r')
  DESCRIPTOR_BYTES=$(curl -sf "$base/api/packages/bench/bench" | wc -c)

  run "GET descriptor (200)" "$backend" "$base/api/packages/bench/bench"
  run "GET descriptor, If-None-Match (304)" "$backend" "$base/api/packages/bench/bench" -H "If-None-Match: $etag"
  run "GET /{owner}/{name}/datapackage.json" "$backend" "$base/bench/bench/datapackage.json"
  run "GET /api/search?q=bench" "$backend" "$base/api/search?q=bench"
  # Cold: a second process on the same database with its read cache off,
  # so every read goes to the database.
  local cold_port; cold_port=$(free_port)
  DATABASE_URL=$database_url DATA_REGISTRY_READ_CACHE_MS=0 DATA_REGISTRY_LOG=warn "$REGISTRY" serve \
    --bind "127.0.0.1:$cold_port" --data-dir "$WORK/data-$backend" >"$WORK/registry-$backend-cold.log" 2>&1 &
  local cold_pid=$!
  PIDS+=("$cold_pid")
  wait_http "http://127.0.0.1:$cold_port/api/health"
  run "GET descriptor, read cache off (cold)" "$backend" "http://127.0.0.1:$cold_port/api/packages/bench/bench"
  kill "$cold_pid" 2>/dev/null || true
  TOKEN=$token PUBLISH_BODY=$WORK/publish.json run "POST publish (force, new revision)" "$backend" "$base/api/packages/bench/bench" -s "$WORK/publish.lua"
  local revisions
  revisions=$(curl -sf "$base/api/packages/bench/bench/revisions" | python3 -c 'import json,sys; r=json.load(sys.stdin)["revisions"]; print(len(r), r[0]["revision"])')
  echo "  $backend: revisions after the publish run (count, latest): $revisions" >&2
}

echo "== bare actix-web handler" >&2
bench_registry sqlite ""
BARE_PORT=$(free_port)
"$BARE" "127.0.0.1:$BARE_PORT" "$DESCRIPTOR_BYTES" >/dev/null 2>&1 &
PIDS+=($!)
wait_http "http://127.0.0.1:$BARE_PORT/"
run "bare actix-web handler (same body size)" "-" "http://127.0.0.1:$BARE_PORT/api/packages/bench/bench"

if [[ -n $PG_ADMIN ]]; then
  PG_DB="registry_bench_$(date +%s)"
  if psql "$PG_ADMIN" -qc "CREATE DATABASE $PG_DB" >/dev/null 2>&1; then
    PG_URL=$(python3 -c 'import sys,urllib.parse as u; p=u.urlparse(sys.argv[1]); print(p._replace(path="/"+sys.argv[2]).geturl())' "$PG_ADMIN" "$PG_DB")
    bench_registry postgres "$PG_URL"
    pkill -f "data-registry serve --bind 127.0.0.1" 2>/dev/null || true
    sleep 1
    psql "$PG_ADMIN" -qc "DROP DATABASE $PG_DB WITH (FORCE)" >/dev/null 2>&1 || true
  else
    echo "skipped Postgres: cannot create a database at $PG_ADMIN" >&2
  fi
fi

python3 - "$RESULTS" "$DOCS" "$CONNS" "$SECONDS_PER_RUN" "$DESCRIPTOR_BYTES" <<'PY'
import sys, re, datetime, subprocess, os
results, docs, conns, seconds, body = sys.argv[1:6]
rows = [l.rstrip("\n").split("\t") for l in open(results) if l.strip()]
def ms(text):
    m = re.match(r"([\d.]+)(us|ms|s)", text or "")
    if not m: return float("nan")
    v = float(m.group(1)); return {"us": v/1000, "ms": v, "s": v*1000}[m.group(2)]
bare = next(float(r[2]) for r in rows if r[1] == "-")
cores = os.cpu_count()
try:
    cpu = next(l.split(":",1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name"))
except Exception:
    cpu = "unknown"
lines = [f"Generated by `bench/registry.sh` on {datetime.datetime.utcnow():%Y-%m-%dT%H:%MZ} "
         f"(`BENCH_SECONDS={seconds} BENCH_CONNECTIONS={conns}`).", "",
         f"- machine: {cores} cores, {cpu}; wrk (2 threads, {conns} connections, {seconds} s per row) runs on the same cores as the server.",
         f"- the registry is the release build with its defaults (SQLite in WAL mode, local blob folder, one worker per core); "
         f"the descriptor is {body} bytes (a ten-field schema); the bare handler answers a body of the same size.", "",
         "| request | database | requests/s | vs bare handler | p99 latency | non-2xx/3xx |", "|---|---|---|---|---|---|"]
for label, backend, rps, p99, errors in rows:
    ratio = float(rps) / bare if rps else float("nan")
    lines.append(f"| {label} | {backend} | {float(rps):,.0f} | {ratio:.2f}x | {p99} | {errors} |")
desc = [r for r in rows if r[0] == "GET descriptor (200)" and r[1] == "sqlite"]
lines += ["", "Goal (issue 3): the descriptor GET at least half the bare handler's requests/s, with p99 under 10 ms at 64 connections."]
for r in [r for r in rows if r[0] == "GET descriptor (200)"]:
    ratio = float(r[2]) / bare
    ok = ratio >= 0.5 and ms(r[3]) < 10
    lines.append(f"- [{'x' if ok else ' '}] {r[1]}: {ratio:.2f}x of the bare handler, p99 {r[3]}")
text = "\n".join(lines) + "\n"
print(text)
if docs:
    start, end = "<!-- bench/registry.sh start -->", "<!-- bench/registry.sh end -->"
    doc = open(docs).read()
    block = f"{start}\n{text}{end}"
    if start in doc:
        doc = re.sub(re.escape(start) + ".*?" + re.escape(end), lambda _: block, doc, flags=re.S)
    else:
        doc = doc.rstrip("\n") + "\n\n## Registry\n\n" + block + "\n"
    open(docs, "w").write(doc)
PY
