#!/usr/bin/env bash
# Benchmark of `data validate` and `data infer` against their peers, timed in
# the same run on the same generated file. See bench/README.md.
#
# Environment:
#   BENCH_MB=1000        size of the generated CSV in MB (10^6 bytes)
#   BENCH_SLICE_MB=10    size of the slice given to frictionless-py
#   BENCH_RUNS=5         timed runs per command (the median is reported)
#   BENCH_SEED=42        generator seed
#   BENCH_DOCS=docs/performance.md   where the figures go ("" to skip)
#   BENCH_DATA_BIN=PATH  time this prebuilt `data` (no cargo build of it)
#   BENCH_NO_INSTALL=1   never install anything; skip missing peers
#   BENCH_STRICT=1       exit 1 when a goal is missed
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

MB=${BENCH_MB:-1000}
SLICE_MB=${BENCH_SLICE_MB:-10}
RUNS=${BENCH_RUNS:-5}
SEED=${BENCH_SEED:-42}
DOCS=${BENCH_DOCS-docs/performance.md}
NO_INSTALL=${BENCH_NO_INSTALL:-}
DATA_DIR=$ROOT/bench-data
TOOLS=$DATA_DIR/tools
WORK=$DATA_DIR/work
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
export PATH="$TOOLS/bin:$HOME/.cargo/bin:$PATH"

mkdir -p "$DATA_DIR" "$TOOLS" "$WORK"
rm -f "$WORK"/*.json "$WORK"/*.time "$WORK"/results.tsv "$WORK"/skipped.txt
SKIPPED=$WORK/skipped.txt
: >"$SKIPPED"

say() { printf '==> %s\n' "$*" >&2; }
skip() { # skip NAME REASON
    printf '%s\t%s\n' "$1" "$2" >>"$SKIPPED"
    say "skipping $1: $2"
}
q() { printf '%q' "$1"; }

# ---------------------------------------------------------------- installs
apt_install() { # apt_install PACKAGE: quietly, updating the lists only if needed
    [[ -n $NO_INSTALL ]] && return 1
    command -v apt-get >/dev/null || return 1
    apt-get install -y -qq "$1" >"$WORK/apt-$1.log" 2>&1 ||
        { apt-get update -qq >>"$WORK/apt-$1.log" 2>&1 &&
            apt-get install -y -qq "$1" >>"$WORK/apt-$1.log" 2>&1; }
}

if ! command -v hyperfine >/dev/null; then
    say "installing hyperfine (apt)"
    apt_install hyperfine || { echo "hyperfine is required and could not be installed (see $WORK/apt-hyperfine.log)" >&2; exit 2; }
fi
if [[ ! -x /usr/bin/time ]]; then
    say "installing GNU time (apt)"
    apt_install time || { echo "/usr/bin/time (GNU time) is required and could not be installed" >&2; exit 2; }
fi
# The interpreter itself, not a pyenv shim: a shim is a shell script that
# would add its own start-up to every timed Python run.
PYTHON=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null || true)
if [[ -z $PYTHON ]]; then
    echo "python3 is required (for the peers and the report)" >&2
    exit 2
fi

HAVE_XSV=
if command -v xsv >/dev/null; then
    HAVE_XSV=1
elif [[ -z $NO_INSTALL ]]; then
    say "installing xsv from crates.io into $TOOLS (a few minutes, once)"
    if cargo install xsv --locked --root "$TOOLS" >"$WORK/xsv-install.log" 2>&1; then
        HAVE_XSV=1
    else
        skip xsv "cargo install xsv failed (see $WORK/xsv-install.log)"
    fi
else
    skip xsv "not installed and BENCH_NO_INSTALL is set"
fi

py_has() { "$PYTHON" -c "import $1" >/dev/null 2>&1; }
declare -A PY_OK=()
for module in pyarrow polars duckdb frictionless; do
    if ! py_has "$module" && [[ -z $NO_INSTALL ]]; then
        say "installing $module (pip)"
        "$PYTHON" -m pip install -q "$module" >"$WORK/pip-$module.log" 2>&1 || true
    fi
    if py_has "$module"; then
        PY_OK[$module]=1
    else
        skip "$module" "python module not importable and could not be installed (see $WORK/pip-$module.log)"
    fi
done
FRICTIONLESS=$(dirname "$PYTHON")/frictionless
[[ -x $FRICTIONLESS ]] || FRICTIONLESS=$(command -v frictionless || true)
if [[ -n ${PY_OK[frictionless]:-} && -z $FRICTIONLESS ]]; then
    skip frictionless "the python module is there but not the frictionless command"
    unset 'PY_OK[frictionless]'
fi

# ---------------------------------------------------------------- builds
say "building data and the generator (release)"
DATA_BIN=${BENCH_DATA_BIN:-$TARGET_DIR/release/data}
if [[ -z ${BENCH_DATA_BIN:-} ]]; then
    cargo build --release -q -p data-cli || { echo "cargo build --release -p data-cli failed" >&2; exit 2; }
fi
cargo build --release -q -p validate --example gen_csv || { echo "building the gen_csv example failed" >&2; exit 2; }
GEN_BIN=$TARGET_DIR/release/examples/gen_csv

# ---------------------------------------------------------------- data
CSV=$DATA_DIR/bench-${MB}mb.csv
SCHEMA=$DATA_DIR/schema.json
SLICE=$DATA_DIR/bench-${MB}mb-slice-${SLICE_MB}mb.csv
TINY=$DATA_DIR/bench-tiny.csv
STAMP="mb=$MB seed=$SEED gen=$(sha256sum "$ROOT/crates/validate/examples/gen_csv.rs" | cut -c1-16)"
if [[ ! -f $CSV || ! -f $SCHEMA || "$(cat "$CSV.stamp" 2>/dev/null)" != "$STAMP" ]]; then
    say "generating $CSV ($MB MB, seed $SEED)"
    "$GEN_BIN" "$CSV" "$SCHEMA" "$MB" "$SEED"
    echo "$STAMP" >"$CSV.stamp"
    rm -f "$SLICE"
fi
# The slice ends on a whole row: quoted cells here never hold a newline, so
# dropping the last (maybe cut) line is enough.
if [[ ! -f $SLICE ]]; then
    head -c "$((SLICE_MB * 1000000))" "$CSV" | sed '$d' >"$SLICE"
fi
head -n 3 "$CSV" >"$TINY"
BYTES=$(stat -c %s "$CSV")
SLICE_BYTES=$(stat -c %s "$SLICE")
TINY_BYTES=$(stat -c %s "$TINY")
ROWS=$(($(wc -l <"$CSV") - 1))
say "input: $BYTES bytes, $ROWS rows; slice $SLICE_BYTES bytes"
cat "$CSV" "$SLICE" >/dev/null # warm the page cache: the figures are CPU, not disk

# ---------------------------------------------------------------- peers as scripts
PEERS=$WORK/peers
mkdir -p "$PEERS"
cat >"$PEERS/pyarrow_read.py" <<'EOF'
import sys
import pyarrow.csv as pc
table = pc.read_csv(sys.argv[1])
print(table.num_rows)
EOF
cat >"$PEERS/polars_read.py" <<'EOF'
import sys
import polars as pl
frame = pl.read_csv(sys.argv[1], try_parse_dates=len(sys.argv) > 2)
print(frame.height)
EOF
cat >"$PEERS/duckdb_ctas.py" <<'EOF'
import sys
import duckdb
con = duckdb.connect()
con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?)", [sys.argv[1]])
print(con.execute("SELECT count(*) FROM t").fetchone()[0])
EOF
cat >"$PEERS/duckdb_sniff.py" <<'EOF'
import sys
import duckdb
con = duckdb.connect()
print(con.execute("SELECT Columns FROM sniff_csv(?)", [sys.argv[1]]).fetchone()[0])
EOF

# ---------------------------------------------------------------- sanity
say "checking that data finds the file valid and infers the schema's types"
set +e
"$DATA_BIN" --no-progress validate "$CSV" --schema "$SCHEMA" --json >"$WORK/validate-report.json" 2>"$WORK/validate-stderr.txt"
VALIDATE_STATUS=$?
"$DATA_BIN" --no-progress infer "$CSV" --json >"$WORK/infer.json" 2>"$WORK/infer-stderr.txt"
INFER_STATUS=$?
set -e
SANITY=$("$PYTHON" - "$WORK/validate-report.json" "$WORK/infer.json" "$SCHEMA" "$VALIDATE_STATUS" "$INFER_STATUS" <<'EOF'
import json, sys
report_path, infer_path, schema_path, vstatus, istatus = sys.argv[1:]
notes = []
try:
    report = json.load(open(report_path))
    if not report.get("valid"):
        errors = [e for t in report.get("tasks", []) for e in t.get("errors", [])] + report.get("errors", [])
        first = "; ".join(f"{e.get('type')}: {e.get('message')}" for e in errors[:3])
        notes.append(f"data validate --schema reported the file INVALID (exit {vstatus}): {first}")
except Exception as exc:  # a report we cannot read is worth saying, not a crash
    notes.append(f"data validate --schema --json gave no readable report (exit {vstatus}): {exc}")
try:
    inferred = json.load(open(infer_path))
    fields = (inferred.get("schema") or {}).get("fields") or []
    got = {f.get("name"): f.get("type") for f in fields}
    want = {f["name"]: f["type"] for f in json.load(open(schema_path))["fields"]}
    diff = [f"{k}: {got.get(k)} (want {v})" for k, v in want.items() if got.get(k) != v]
    if diff:
        notes.append("data infer differs from the generator's schema: " + ", ".join(diff))
except Exception as exc:
    notes.append(f"data infer gave no readable descriptor (exit {istatus}): {exc}")
print("\n".join(notes))
EOF
)
[[ -n $SANITY ]] && printf 'WARNING: %s\n' "$SANITY" >&2

# ---------------------------------------------------------------- machine check
# How many cores this run really gets: one busy loop per core for 0.5 s of
# CPU each, CPU over wall. Another session's job on the machine (in its own
# cgroup, so even when niced) can leave this run a single core, and then
# "cores used" and every multi-threaded figure below mean little.
EFFECTIVE_CORES=$("$PYTHON" - "$(nproc)" <<'EOF'
import multiprocessing as mp, sys, time
def burn(_):
    start = time.process_time()
    while time.process_time() - start < 0.5:
        pass
n = int(sys.argv[1])
t = time.time()
with mp.Pool(n) as pool:
    pool.map(burn, range(n))
print(f"{n * 0.5 / (time.time() - t):.2f}")
EOF
)
say "effective cores for this run: $EFFECTIVE_CORES of $(nproc)"
if "$PYTHON" -c "import sys; sys.exit(0 if float(sys.argv[1]) < float(sys.argv[2]) * 0.85 else 1)" "$EFFECTIVE_CORES" "$(nproc)"; then
    say "WARNING: other work is using the cores; multi-threaded figures will be low"
    SANITY+="${SANITY:+ }only $EFFECTIVE_CORES of $(nproc) cores were free for this run (other work on the machine): multi-threaded figures are low, single-threaded ones about right."
fi

# ---------------------------------------------------------------- timing
RESULTS=$WORK/results.tsv
printf 'key\tlabel\twhat\tbytes\tmedian\tstartup\tcores\trss_kb\texit\tcommand\n' >"$RESULTS"

# bench KEY LABEL WHAT FILE STARTUP_FILE CMD...
# Times CMD (with FILE as its input) BENCH_RUNS times with hyperfine, each run
# under /usr/bin/time -v for peak RSS and CPU time. With a STARTUP_FILE (a
# three-line CSV), the same command is also timed on it and that start-up is
# subtracted: interpreters take ~0.2-1 s to import before reading a byte.
bench() {
    local key=$1 label=$2 what=$3 file=$4 startup_file=$5
    shift 5
    local cmd="" startup_cmd="" arg
    for arg in "$@"; do
        cmd+=" $(q "${arg//@FILE@/$file}")"
        startup_cmd+=" $(q "${arg//@FILE@/$startup_file}")"
    done
    cmd=${cmd# }
    startup_cmd=${startup_cmd# }
    # What the docs show: short names for the binaries, listed in full there.
    local shown=${cmd//"$(q "$DATA_BIN")"/data}
    shown=${shown//"$(q "$PYTHON")"/python3}
    shown=${shown//"$(q "$FRICTIONLESS")"/frictionless}
    say "timing $label"
    rm -f "$WORK/$key.time"
    # From bench-data/ with relative paths: frictionless-py refuses absolute
    # and parent-relative data paths as unsafe.
    cd "$DATA_DIR"
    # Re-read the input first: on these VMs page-cache pages left idle for
    # minutes turn slow to copy (seen in perf as _copy_to_iter), which would
    # charge the next tool for the machine's memory reclaim.
    cat "$file" >/dev/null
    hyperfine --style none --runs "$RUNS" --warmup 1 -i \
        --export-json "$WORK/$key.json" \
        "/usr/bin/time -v -a -o $(q "$WORK/$key.time") $cmd" >"$WORK/$key.hyperfine.txt" 2>&1 ||
        { skip "$label" "hyperfine failed (see $WORK/$key.hyperfine.txt)"; return 0; }
    local startup=0
    if [[ -n $startup_file ]]; then
        hyperfine --style none --runs "$RUNS" --warmup 1 -i \
            --export-json "$WORK/$key.startup.json" "$startup_cmd" >/dev/null 2>&1 &&
            startup=$("$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["median"])' "$WORK/$key.startup.json")
    fi
    cd "$ROOT"
    "$PYTHON" - "$WORK/$key.json" "$WORK/$key.time" "$key" "$label" "$what" "$(stat -c %s "$DATA_DIR/$file")" "$startup" "$shown" >>"$RESULTS" <<'EOF'
import json, re, sys
jpath, tpath, key, label, what, size, startup, shown = sys.argv[1:]
result = json.load(open(jpath))["results"][0]
text = open(tpath).read()
rss = max(int(x) for x in re.findall(r"Maximum resident set size \(kbytes\): (\d+)", text))
# hyperfine's CPU times come from the children's rusage, finer than time -v's.
cores = (result["user"] + result["system"]) / result["mean"] if result["mean"] > 0 else 0.0
codes = sorted(set(result.get("exit_codes") or [0]))
print("\t".join([key, label, what, size, f"{result['median']:.4f}", f"{float(startup):.4f}",
                 f"{cores:.2f}", str(rss), ",".join(map(str, codes)), shown]))
EOF
}

# Paths relative to bench-data/, where every command runs.
CSV_REL=$(basename "$CSV")
SLICE_REL=$(basename "$SLICE")
TINY_REL=$(basename "$TINY")
bench cat "cat > /dev/null" "read bandwidth" "$CSV_REL" "" cat @FILE@
if [[ -n $HAVE_XSV ]]; then
    bench xsv_count "xsv count" "raw CSV parse" "$CSV_REL" "" xsv count @FILE@
fi
bench data_validate_schema "data validate --schema" "cast + check every cell" "$CSV_REL" "" \
    "$DATA_BIN" --no-progress validate @FILE@ --schema schema.json
bench data_validate_t1 "data validate --schema --threads 1" "same, one worker thread" "$CSV_REL" "" \
    "$DATA_BIN" --no-progress validate @FILE@ --schema schema.json --threads 1
bench data_validate "data validate" "infer, then validate" "$CSV_REL" "" \
    "$DATA_BIN" --no-progress validate @FILE@
bench data_infer "data infer" "infer over the whole file" "$CSV_REL" "" \
    "$DATA_BIN" --no-progress infer @FILE@
bench data_infer_sample "data infer --sample-rows 10000" "infer from a sample" "$CSV_REL" "" \
    "$DATA_BIN" --no-progress infer @FILE@ --sample-rows 10000
if [[ -n $HAVE_XSV ]]; then
    bench xsv_stats "xsv stats" "inference + statistics" "$CSV_REL" "" xsv stats @FILE@
fi
if [[ -n ${PY_OK[pyarrow]:-} ]]; then
    bench pyarrow "pyarrow read_csv" "typed read incl. dates" "$CSV_REL" "$TINY_REL" \
        "$PYTHON" work/peers/pyarrow_read.py @FILE@
fi
if [[ -n ${PY_OK[polars]:-} ]]; then
    bench polars "polars read_csv" "typed read, dates as strings" "$CSV_REL" "$TINY_REL" \
        "$PYTHON" work/peers/polars_read.py @FILE@
    bench polars_dates "polars read_csv(try_parse_dates)" "typed read incl. dates" "$CSV_REL" "$TINY_REL" \
        "$PYTHON" work/peers/polars_read.py @FILE@ dates
fi
if [[ -n ${PY_OK[duckdb]:-} ]]; then
    bench duckdb "duckdb CREATE TABLE AS read_csv" "sniff + cast every cell" "$CSV_REL" "$TINY_REL" \
        "$PYTHON" work/peers/duckdb_ctas.py @FILE@
    bench duckdb_sniff "duckdb sniff_csv" "sampled inference" "$CSV_REL" "$TINY_REL" \
        "$PYTHON" work/peers/duckdb_sniff.py @FILE@
fi
bench data_validate_slice "data validate --schema (slice)" "same, on the frictionless slice" "$SLICE_REL" "" \
    "$DATA_BIN" --no-progress validate @FILE@ --schema schema.json
if [[ -n ${PY_OK[frictionless]:-} ]]; then
    bench frictionless "frictionless validate --schema (slice)" "the reference validator" "$SLICE_REL" "$TINY_REL" \
        "$FRICTIONLESS" validate @FILE@ --schema schema.json
    bench frictionless_describe "frictionless describe (slice)" "inference from a sample" "$SLICE_REL" "$TINY_REL" \
        "$FRICTIONLESS" describe @FILE@
fi

# ---------------------------------------------------------------- report
versions() {
    printf -- '- data: %s (git %s)\n' "$("$DATA_BIN" --version 2>/dev/null || echo '?')" \
        "$(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo 'uncommitted')"
    printf -- '- rustc: %s\n' "$(rustc --version 2>/dev/null || echo '?')"
    [[ -n $HAVE_XSV ]] && printf -- '- xsv: %s\n' "$(xsv --version 2>/dev/null || echo '?')"
    printf -- '- python: %s\n' "$("$PYTHON" --version 2>&1)"
    local m
    for m in pyarrow polars duckdb frictionless; do
        [[ -n ${PY_OK[$m]:-} ]] && printf -- '- %s: %s\n' "$m" \
            "$("$PYTHON" -c "import importlib.metadata as m; print(m.version('$m'))" 2>/dev/null || echo '?')"
    done
    printf -- '- hyperfine: %s\n' "$(hyperfine --version)"
    return 0
}
CPU_MODEL=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
CPU_FLAGS=$(grep -m1 '^flags' /proc/cpuinfo | grep -o -w -E 'avx2|avx512f|sha_ni' | paste -sd' ' || true)
MEM_GB=$(awk '/MemTotal/ {printf "%.0f", $2 / 1048576}' /proc/meminfo)
MACHINE="$(nproc) cores, $CPU_MODEL${CPU_FLAGS:+ ($CPU_FLAGS)}, ${MEM_GB} GiB RAM, $(uname -sr); effective cores measured before timing: $EFFECTIVE_CORES"
DATE=$(date -u +%Y-%m-%dT%H:%MZ)
VERSIONS=$(versions)

"$PYTHON" - "$RESULTS" "$SKIPPED" "$DOCS" "$DATE" "$MACHINE" "$VERSIONS" "$BYTES" "$ROWS" "$SLICE_BYTES" \
    "$RUNS" "$MB" "$SEED" "$SANITY" "${BENCH_STRICT:-}" "${DATA_BIN#"$ROOT"/}" "$PYTHON" <<'EOF'
import csv, os, sys
(results_path, skipped_path, docs, date, machine, versions, size, rows, slice_size,
 runs, mb, seed, sanity, strict, data_bin, python) = sys.argv[1:]
rows_ = list(csv.DictReader(open(results_path), delimiter="\t"))
by = {r["key"]: r for r in rows_}
for r in rows_:
    net = float(r["median"]) - float(r["startup"])
    r["net"] = net
    # A sampled tool's time does not grow with the file: MB/s would mislead.
    sampled = r["key"] in ("data_infer_sample", "duckdb_sniff", "frictionless_describe")
    r["mbps"] = None if sampled or net <= 0 else int(r["bytes"]) / 1e6 / net
def rate(key):
    r = by.get(key)
    return r["mbps"] if r else None
base_xsv, base_fl = rate("xsv_count"), rate("frictionless")
def ratio(r, base):
    return f"{r['mbps'] / base:.2f}x" if r["mbps"] and base else "-"
def fmt_rss(kb):
    return f"{int(kb) / 1024:.0f} MB" if int(kb) >= 10240 else f"{int(kb) / 1024:.1f} MB"
lines = ["| tool | what it does | seconds | MB/s | cores used | peak RSS | vs xsv count | vs frictionless |",
         "|---|---|---|---|---|---|---|---|"]
for r in rows_:
    secs = f"{r['median']}" if float(r["startup"]) == 0 else f"{r['median']} ({r['net']:.3f} net)"
    mbps = f"{r['mbps']:,.1f}" if r["mbps"] else "-"
    label = r["label"] + ("" if r["exit"] == "0" else f" (exit {r['exit']})")
    lines.append(f"| `{label}` | {r['what']} | {secs} | {mbps} | {r['cores']} | {fmt_rss(r['rss_kb'])} "
                 f"| {ratio(r, base_xsv)} | {ratio(r, base_fl)} |")
table = "\n".join(lines)

goals = []
def goal(name, ok, detail):
    goals.append((ok, f"- [{'x' if ok else ' '}] {name}: {detail}"))
v, i = by.get("data_validate_schema"), by.get("data_infer")
if v and v["mbps"]:
    goal("validate >= 200 MB/s", v["mbps"] >= 200, f"{v['mbps']:.0f} MB/s")
    if base_xsv:
        goal("validate >= half of xsv count", v["mbps"] >= base_xsv / 2,
             f"{v['mbps'] / base_xsv:.2f} of {base_xsv:.0f} MB/s")
    if base_fl:
        goal("validate > 50x frictionless-py (issue)", v["mbps"] > 50 * base_fl, f"{v['mbps'] / base_fl:.0f}x")
        goal("validate > 100x frictionless-py (BENCHMARKS.md)", v["mbps"] > 100 * base_fl, f"{v['mbps'] / base_fl:.0f}x")
    pa = by.get("pyarrow")
    if pa and pa["mbps"]:
        goal("validate at least as fast as pyarrow's typed read", v["mbps"] >= pa["mbps"],
             f"{v['mbps'] / pa['mbps']:.2f}x")
    goal("validate peak RSS < 64 MB", int(v["rss_kb"]) < 64 * 1024, fmt_rss(v["rss_kb"]))
    goal("validate uses both cores", float(v["cores"]) >= 1.5, f"{v['cores']} cores")
if i and i["mbps"]:
    if base_xsv:
        goal("infer (whole file) >= half of xsv count", i["mbps"] >= base_xsv / 2,
             f"{i['mbps'] / base_xsv:.2f} of {base_xsv:.0f} MB/s")
    goal("infer peak RSS < 64 MB", int(i["rss_kb"]) < 64 * 1024, fmt_rss(i["rss_kb"]))
s, d = by.get("data_infer_sample"), by.get("duckdb_sniff")
if s and d:
    goal("sampled infer faster than duckdb's sniffer", s["net"] < d["net"],
         f"{s['net']:.3f} s vs {d['net']:.3f} s")
goal_text = "\n".join(g for _, g in goals)

skipped = [l.rstrip("\n").split("\t", 1) for l in open(skipped_path) if l.strip()]
skipped_text = "\n".join(f"- {n}: {why}" for n, why in skipped) or "- none"
commands = "\n".join(f"{r['label']}:\n    {r['command']}" for r in rows_)

body = f"""Generated by `bench/run.sh` on {date} (`BENCH_MB={mb} BENCH_RUNS={runs} BENCH_SEED={seed}`).

- machine: {machine}
- input: `bench-data/bench-{mb}mb.csv`, {int(size):,} bytes, {int(rows):,} rows, ten columns
  (integer x2, number x2, boolean, date, datetime, enum category, quoted text with commas,
  country code), schema `bench-data/schema.json` with required, range, enum, maxLength and
  pattern constraints; frictionless-py gets the first {int(slice_size):,} bytes.
- seconds: median of {runs} runs (hyperfine, warm page cache, one warm-up run). For Python
  peers the median on a three-line file (the interpreter's start-up and imports) is
  subtracted, and MB/s is net of it. MB = 10^6 bytes.
- cores used: (user + system CPU) / wall time, means over the runs; peak RSS: the
  largest of the runs (`/usr/bin/time -v`).
- ratios are MB/s against `xsv count` and against frictionless-py, timed in the same run.
  Figures on this kind of shared machine move by 10-25 % between runs: compare ratios.

{table}

Goals:

{goal_text}
{"" if not sanity else chr(10) + "Warnings: " + sanity + chr(10)}
Skipped peers:

{skipped_text}

Versions:

{versions}

Commands, as timed (each under `/usr/bin/time -v`, from `bench-data/`; `data` is
`{data_bin}`, `python3` is `{python}`, `xsv` is from `cargo install xsv --locked`):

```
{commands}
```
"""
print()
print(table)
print()
print(goal_text)
if skipped:
    print("\nskipped:\n" + skipped_text)
if sanity:
    print("\nWARNING: " + sanity)

if docs:
    start, end = "<!-- bench/run.sh: validate-infer start -->", "<!-- bench/run.sh: validate-infer end -->"
    text = open(docs).read() if os.path.exists(docs) else "# Performance\n"
    block = f"{start}\n{body}{end}"
    if start in text and end in text:
        head, rest = text.split(start, 1)
        text = head + block + rest.split(end, 1)[1]
    elif "## validate and infer" in text:
        head, rest = text.split("## validate and infer", 1)
        text = head + "## validate and infer\n\n" + block + "\n" + rest
    else:
        text = text.rstrip("\n") + "\n\n## validate and infer\n\n" + block + "\n"
    open(docs, "w").write(text)
    print(f"\nwrote {docs}")
if strict and not all(ok for ok, _ in goals):
    sys.exit(1)
EOF
