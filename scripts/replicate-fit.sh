#!/usr/bin/env bash
# Fills DEST with copies of every FIT file under SRC until it holds about MB
# megabytes, for the FIT throughput benchmark (examples/fit_throughput.rs).
# Copies get distinct names (r0001__<name>.fit, …) so nothing is overwritten;
# damaged inputs (any bad/ folder) are skipped, so every engine measures decoding.
#
#   scripts/replicate-fit.sh ../shared/corpus /tmp/fit-300mb 300
set -euo pipefail

if [[ $# -ne 3 ]]; then
  echo "usage: $0 SRC DEST MB" >&2
  exit 2
fi
src=$1 dest=$2 mb=$3
if ! [[ $mb =~ ^[0-9]+$ ]] || (( mb == 0 )); then
  echo "MB must be a positive whole number, got: $mb" >&2
  exit 2
fi

mapfile -d '' files < <(find "$src" -type d -name bad -prune -o -type f -iname '*.fit' -print0 | sort -z)
if (( ${#files[@]} == 0 )); then
  echo "no *.fit files under $src (bad/ skipped)" >&2
  exit 1
fi

mkdir -p "$dest"
target=$(( mb * 1000 * 1000 ))
total=0
round=0
while (( total < target )); do
  round=$(( round + 1 ))
  for f in "${files[@]}"; do
    rel=${f#"$src"}
    rel=${rel#/}
    name=$(printf 'r%04d__%s' "$round" "${rel//\//__}")
    cp -- "$f" "$dest/$name"
    total=$(( total + $(stat -c %s -- "$f") ))
    (( total >= target )) && break
  done
done
echo "$dest: $(find "$dest" -maxdepth 1 -type f -iname '*.fit' | wc -l) FIT files, $(( total / 1000000 )) MB copied in $round round(s)"
