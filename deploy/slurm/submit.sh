#!/usr/bin/env bash
# Submits a coach folder as a Slurm array of SHARDS tasks plus the roster step,
# which starts only if every task succeeded (--dependency=afterok).
#
#   deploy/slurm/submit.sh ATHLETES_DIR OUT_DIR [SHARDS] [sbatch options...]
#   deploy/slurm/submit.sh /shared/coach /shared/reports 8 --partition=batch
#
# Prints "<array job id> <roster job id>". Logs go to OUT_DIR/.slurm/.
# HEAVYLEGS_BIN (the binary; default heavylegs) and HEAVYLEGS_ARGS (more
# `report` flags) are passed on to the jobs.
set -euo pipefail

if [ $# -lt 2 ]; then
    sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
fi
athletes=$(realpath "$1")
out=$(realpath -m "$2")
shards=${3:-8}
shift $(( $# < 3 ? $# : 3 ))
here=$(cd "$(dirname "$0")" && pwd)
bin=${HEAVYLEGS_BIN:-heavylegs}

mkdir -p "$out/.slurm"
export HEAVYLEGS_ATHLETES=$athletes HEAVYLEGS_OUT=$out HEAVYLEGS_BIN=$bin
array=$(sbatch --parsable --array="0-$((shards - 1))" \
    --output="$out/.slurm/shard-%A_%a.out" "$@" "$here/heavylegs-array.sbatch")
array=${array%%;*}
roster=$(sbatch --parsable --dependency="afterok:$array" --job-name=heavylegs-roster \
    --output="$out/.slurm/roster-%j.out" "$@" \
    --wrap "exec $(printf '%q' "$bin") --log-format json roster $(printf '%q' "$out")")
echo "$array ${roster%%;*}"
