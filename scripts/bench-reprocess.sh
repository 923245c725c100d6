#!/usr/bin/env bash
# Scale of bulk reprocessing on the embedded default: N small objects under
# one prefix, first uploaded and processed by `imgprep run`, then processed
# again by `imgprep reprocess` (Distributed Map). Prints wall time and peak
# RSS of each whole process, for each N.
#
#   bash scripts/bench-reprocess.sh            # N = 1000 and 10000
#   bash scripts/bench-reprocess.sh 500 2000   # other sizes
#
# Needs GNU time (Debian package "time") for peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x /usr/bin/time ] || { echo "apt-get install time" >&2; exit 1; }
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000)
W=${W:-$(mktemp -d)}
go build -o "$W/imgprep" ./cmd/imgprep
sample=testdata/images/rgb16_64x64_nikon_raw.png   # 32 KB, 64x64: the work is the pipeline, not pixels

measure() { # label cmd... -> "label wall_s peak_mib"
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$W/time" "$@" >"$W/out" 2>"$W/err" || { echo "$label failed:" >&2; tail -5 "$W/err" >&2; exit 1; }
  read -r wall kib <"$W/time"
  printf '%-28s %8.1f s %8.1f MiB   %s\n' "$label" "$wall" "$(awk -v k="$kib" 'BEGIN{print k/1024}')" "$(tail -1 "$W/out" | cut -c1-150)"
}

printf '%-28s %10s %12s   %s\n' "step" "wall" "peak RSS" "last line of stdout"
for n in "${sizes[@]}"; do
  src="$W/src$n/batch"; data="$W/data$n"
  rm -rf "$src" "$data"; mkdir -p "$src"
  for i in $(seq -w 1 "$n"); do cp "$sample" "$src/img$i.png"; done
  measure "run N=$n" "$W/imgprep" run --data "$data" --json "$src"
  measure "reprocess N=$n" "$W/imgprep" reprocess --data "$data" --prefix batch/ --size 128x128 --wait --json
  measure "reprocess --only-missing N=$n" "$W/imgprep" reprocess --data "$data" --prefix batch/ --size 128x128 --only-missing --wait --json
done
