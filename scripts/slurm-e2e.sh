#!/usr/bin/env bash
# End to end on a real Slurm: a one-node cluster on localhost runs a coach
# folder of 24 athletes as a 4-task array job (deploy/slurm/submit.sh) plus the
# dependent roster job, then the results are compared with a single-machine run.
#
#   scripts/slurm-e2e.sh [path/to/heavylegs]     (default: builds the dev binary)
#
# Needs root (CI runs as root): installs slurm-wlm and munge from Debian when
# missing, starts munged (unless one already answers), slurmctld and slurmd with
# a generated slurm.conf (proctrack/linuxproc, task/none, state in a temp dir),
# and stops the daemons it started, by pid, on every exit. Also runs the README's
# DuckDB one-liner through the duckdb package from PyPI when it installs.
# Environment: E2E_ATHLETES (default 24), E2E_SHARDS (default 4), E2E_KEEP=1 keeps the temp dir.
set -euo pipefail

cd "$(dirname "$0")/.."
repo=$(pwd)
t0=$(date +%s)
phase() { printf 'slurm-e2e: [%3ss] %s\n' "$(( $(date +%s) - t0 ))" "$*"; }
fail() { printf 'slurm-e2e: FAILED: %s\n' "$*" >&2; exit 1; }

athletes=${E2E_ATHLETES:-24}
shards=${E2E_SHARDS:-4}

if [ $# -ge 1 ]; then
    bin=$(realpath "$1")
else
    phase "building the dev binary"
    cargo build --locked -q --bin heavylegs
    bin=$repo/target/debug/heavylegs
fi
[ -x "$bin" ] || fail "no heavylegs binary at $bin"
[ "$(id -u)" -eq 0 ] || fail "needs root (installs packages, starts slurmctld/slurmd)"

# --- packages -----------------------------------------------------------------
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null \
    || ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
    phase "installing slurm-wlm and munge"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null
fi
phase "packages ready: $(slurmctld -V)"

# --- cleanup on every exit ----------------------------------------------------
tmp=$(mktemp -d /tmp/heavylegs-slurm-e2e.XXXXXX)
pids=()
cleanup() {
    local rc=$?
    # Finish the cleanup whatever happens to our output (a closed pipe, say).
    set +e
    trap '' PIPE
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
    done
    if [ "$rc" -ne 0 ]; then
        for log in "$tmp"/*.stderr "$tmp"/slurmctld.log "$tmp"/slurmd.log "$tmp"/out/.slurm/*; do
            [ -f "$log" ] && { echo "--- $log (last lines)"; tail -n 15 "$log"; } >&2
        done
    fi
    if [ "${E2E_KEEP:-0}" = 1 ]; then echo "slurm-e2e: kept $tmp" >&2; else rm -rf "$tmp"; fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- munge --------------------------------------------------------------------
if munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
    phase "munged already running; using it"
else
    [ -s /etc/munge/munge.key ] || {
        dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
        chown munge:munge /etc/munge/munge.key
        chmod 400 /etc/munge/munge.key
    }
    mkdir -p /run/munge /var/lib/munge /var/log/munge
    chown munge:munge /run/munge /var/lib/munge /var/log/munge
    setpriv --reuid=munge --regid=munge --init-groups munged --foreground \
        >"$tmp/munged.stderr" 2>&1 &
    pids+=($!)
    for _ in $(seq 50); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.1; done
    munge -n | unmunge >/dev/null || fail "munged did not start: $(cat "$tmp/munged.stderr")"
    phase "munged started (pid ${pids[-1]})"
fi

# --- slurm --------------------------------------------------------------------
host=$(hostname -s)
base=$(( 20000 + RANDOM % 20000 ))
mkdir -p "$tmp/state" "$tmp/spool"
cat >"$tmp/slurm.conf" <<EOF
ClusterName=heavylegs-e2e
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$base
SlurmdPort=$(( base + 1 ))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
MinJobAge=3600
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=e2e Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$tmp/slurm.conf
slurmctld -D -i -f "$SLURM_CONF" >"$tmp/slurmctld.stderr" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" >"$tmp/slurmd.stderr" 2>&1 &
pids+=($!)
for _ in $(seq 300); do
    state=$(sinfo -h -n "$host" -o '%T' 2>/dev/null || true)
    case "$state" in idle*|mix*|alloc*) break ;; esac
    sleep 0.2
done
case "$state" in idle*|mix*|alloc*) ;; *) fail "node not up (state: ${state:-none})" ;; esac
phase "slurm up: node $host $state, daemons ${pids[*]}"

# --- a coach folder of $athletes athletes ---------------------------------------
"$bin" -q demo "$tmp/gen"
bases=("$tmp/gen/demo" "$tmp/gen/coach/ana" "$tmp/gen/coach/ben" "$tmp/gen/coach/cy")
for i in $(seq 0 $(( athletes - 1 ))); do
    src=${bases[$(( i % ${#bases[@]} ))]}
    name=$(printf '%s-%02d' "$(basename "$src")" "$i")
    mkdir -p "$tmp/coach/$name"
    cp "$src/athlete.toml" "$tmp/coach/$name/"
    # The k-th copy of a base athlete leaves out its k last runs: 24 different reports.
    drop=$(( i / ${#bases[@]} ))
    find "$src" -maxdepth 1 \( -name '*.fit' -o -name '*.gpx' \) | sort | head -n "-$drop" \
        | xargs cp -t "$tmp/coach/$name/"
done
phase "coach folder: $athletes athletes, $(find "$tmp/coach" -type f | wc -l) files"

# --- the array job and the roster job -------------------------------------------
read -r array roster < <(HEAVYLEGS_BIN=$bin "$repo/deploy/slurm/submit.sh" \
    "$tmp/coach" "$tmp/out" "$shards" --cpus-per-task=1 --chdir="$tmp")
phase "submitted array job $array ($shards tasks) and roster job $roster (afterok)"
for _ in $(seq 600); do
    [ -z "$(squeue -h -j "$array,$roster" -o %i 2>/dev/null)" ] && break
    # A failed task leaves the roster job waiting for ever.
    if squeue -h -j "$roster" -o %r 2>/dev/null | grep -q DependencyNeverSatisfied; then
        fail "an array task failed; the roster job can never start"
    fi
    sleep 0.5
done
[ -z "$(squeue -h -j "$array,$roster" -o %i)" ] || fail "jobs still queued after 5 minutes"
states=$(scontrol -o show job "$array" | grep -o 'JobState=[A-Z_]*' | sort | uniq -c | tr -s ' ')
rstate=$(scontrol -o show job "$roster" | grep -o 'JobState=[A-Z_]*')
phase "array tasks:$states; roster job: $rstate"
[ "$(scontrol -o show job "$array" | grep -c 'JobState=COMPLETED')" -eq "$shards" ] \
    || fail "not every array task completed"
[ "$rstate" = JobState=COMPLETED ] || fail "roster job did not complete"

# --- compare with a single-machine run ------------------------------------------
"$bin" -q report --athletes "$tmp/coach" -o "$tmp/single" --no-progress || [ $? -eq 3 ]
phase "single-machine run done"
strip() { grep -v '^  "generated_at": ' "$1"; }
n=0
for dir in "$tmp/single"/*/; do
    name=$(basename "$dir")
    diff <(strip "$tmp/single/$name/report.json") <(strip "$tmp/out/$name/report.json") >/dev/null \
        || fail "$name/report.json differs from the single-machine run"
    n=$(( n + 1 ))
done
[ "$n" -eq "$athletes" ] || fail "$n athlete folders in the single-machine run, expected $athletes"
for f in roster.json roster.csv roster.html; do
    cmp -s "$tmp/single/$f" "$tmp/out/$f" || fail "$f differs from the single-machine run"
done
listed=$(grep -c '"athlete": ' "$tmp/out/roster.json")
[ "$listed" -eq "$athletes" ] || fail "roster lists $listed athletes, expected $athletes"
flagged=$(grep -c '^[^,]*,\(low\|moderate\|high\),' "$tmp/out/roster.csv" || true)
phase "every report.json ($n) and roster.{json,csv,html} equal the single-machine run ($flagged of $listed athletes flagged)"

# --- the README's DuckDB one-liner --------------------------------------------------
if python3 -m venv "$tmp/venv" >/dev/null 2>&1 \
    && "$tmp/venv/bin/pip" install -q --disable-pip-version-check duckdb >/dev/null 2>&1; then
    (cd "$tmp/out" && "$tmp/venv/bin/python" - "$athletes" <<'PY'
import sys, duckdb
n = int(sys.argv[1])
rows = duckdb.sql("SELECT athlete, count(*) AS weeks, round(sum(distance_km), 1) AS km "
                  "FROM read_parquet('*/weeks.parquet') GROUP BY athlete ORDER BY athlete").fetchall()
assert len(rows) == n and all(a for a, _, _ in rows), rows
print(f"slurm-e2e: duckdb {duckdb.__version__}: read_parquet('*/weeks.parquet') -> {n} athletes, "
      f"{sum(w for _, w, _ in rows)} weeks; e.g. {rows[0]}")
PY
    )
    phase "duckdb check done"
else
    phase "SKIP duckdb check: the duckdb package did not install"
fi
phase "passed"
