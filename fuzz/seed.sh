#!/usr/bin/env bash
# Builds fuzz/corpus/<target>/ from small files in samples/ and, when present,
# the shared corpus ($HEAVYLEGS_CORPUS or /work/shared/corpus). Corpora are not
# committed (fuzz/.gitignore); rerun this after a fresh clone.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
shared="${HEAVYLEGS_CORPUS:-/work/shared/corpus}"
max=65536   # bytes: small seeds mutate faster

copy() { # copy <target> <find args...>: small matching files, flattened names
    local target="$1"; shift
    mkdir -p "$here/corpus/$target"
    for dir in "$root/samples" "$shared"; do
        [ -d "$dir" ] || continue
        find "$dir" -type f -size -"${max}"c "$@" -print0 |
            while IFS= read -r -d '' f; do
                cp "$f" "$here/corpus/$target/$(echo "${f#"$dir"/}" | tr '/' '_')"
            done
    done
}

copy fit_decode -iname '*.fit'
copy fit_differential -iname '*.fit'
copy gpx_decode -iname '*.gpx'
copy tcx_decode -iname '*.tcx'
copy whole_path \( -iname '*.fit' -o -iname '*.gpx' -o -iname '*.tcx' \)
copy archive_walk -iname '*.gz'

# A few zips (plain, gzip members, nested) built from the small samples.
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
cp "$root/samples/fit/fitparse__garmin-fenix-5-run.fit" "$tmp/run.fit"
cp "$root/samples/gpx/gpxpy__track-with-less-sec-time.gpx" "$tmp/run.gpx"
cp "$root/samples/tcx/heavylegs__polar-style-run.tcx" "$tmp/run.tcx"
gzip -kn "$tmp/run.fit"
(cd "$tmp" && zip -qX plain.zip run.fit run.gpx run.tcx \
    && zip -qX gz.zip run.fit.gz \
    && zip -qX nested.zip plain.zip \
    && zip -qX0 stored.zip run.gpx)
cp "$tmp"/*.zip "$here/corpus/archive_walk/"

du -sh "$here"/corpus/*
