#!/usr/bin/env bash
# imgprep against the original Python handler: CPU ms per image, peak RSS, PSNR.
#
#   bash bench/run.sh                    # from the repo root; results in /tmp/imgprep-bench/report.md
#   RUNS=10 W=/tmp/elsewhere bash bench/run.sh
#   BUILD=worktree bash bench/run.sh     # build the working tree instead of HEAD
#
# Needs (installs nothing itself), Debian bookworm:
#   apt-get install -y --no-install-recommends python3-pil python3-numpy \
#       libvips-tools libvips-dev hyperfine time gcc pkg-config
# plus Go for the build. The references are run from ../shared/bench by path
# (SHARED=...): pillow_seed.py (the original handler), pillow_fast.py (Pillow
# draft) and vips_gray.c; PSNR uses that directory's quality.py functions.
#
# Method (as ../shared/bench/run.sh): one process per batch of 20 images of one
# seed resolution (5 copies of each of its 4 photos); each batch timed RUNS times
# after a warm-up with hyperfine, pinned to one core (taskset -c 0); the figure is
# the mean CPU time (user+sys) minus the same process on an empty directory,
# divided by 20. CPU time, unlike wall time, is not inflated by other load on a
# shared machine. Peak RSS: GNU time on one process per 12 MP / 24 MP photo.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
SHARED=${SHARED:-$ROOT/../shared/bench}
CORPUS=${CORPUS:-$SHARED/../testimages}
W=${W:-/tmp/imgprep-bench}
RUNS=${RUNS:-7}
PY=/usr/bin/python3

missing=()
for c in hyperfine taskset vips cc pkg-config go; do command -v $c >/dev/null || missing+=("$c"); done
[ -x /usr/bin/time ] || missing+=(time)
$PY -c 'import PIL, numpy' 2>/dev/null || missing+=(python3-pil/python3-numpy)
if [ ${#missing[@]} -gt 0 ]; then
  echo "missing: ${missing[*]}" >&2
  echo "apt-get install -y --no-install-recommends python3-pil python3-numpy libvips-tools libvips-dev hyperfine time gcc pkg-config" >&2
  exit 1
fi
[ -d "$SHARED" ] && [ -d "$CORPUS/good" ] || { echo "no $SHARED or $CORPUS/good (set SHARED/CORPUS)" >&2; exit 1; }

BIN=$W/bin B=$W/batch O=$W/out
rm -rf "$B" "$O"; mkdir -p "$BIN" "$B/empty" "$O"
echo "== build" >&2
# Build what is committed (git archive HEAD), not the working tree, which may
# hold others' unfinished files; BUILD=worktree builds the working tree.
SRC=$ROOT
if [ "${BUILD:-head}" = head ]; then
  SRC=$W/src; rm -rf "$SRC"; mkdir -p "$SRC"
  git -C "$ROOT" archive HEAD | tar -x -C "$SRC"
  echo "building $(git -C "$ROOT" rev-parse --short HEAD)" >&2
fi
(cd "$SRC" && go build -o "$BIN/" ./bench/cmd/fastgray)
rm -f "$BIN/imgprep"
(cd "$SRC" && go build -o "$BIN/" ./cmd/imgprep) || echo "WARNING: cmd/imgprep does not build; its rows are skipped" >&2
cc -O2 -o "$BIN/vips_gray" "$SHARED/vips_gray.c" $(pkg-config --cflags --libs vips)

for r in 1200x800 1500x997 2040x1536; do
  mkdir -p "$B/r$r"; i=0
  for k in 1 2 3 4 5; do
    for f in "$CORPUS"/good/photo_${r}_*.jpg; do
      i=$((i+1)); cp "$f" "$B/r$r/$(printf %02d $i)_$(basename "$f")"
    done
  done
done
mkdir -p "$B/big12" "$B/big24" "$B/photos"
cp "$CORPUS"/good/photo_12mp_*.jpg "$B/big12/"; cp "$CORPUS"/good/photo_24mp_*.jpg "$B/big24/"
cp "$CORPUS"/good/photo_*.jpg "$B/photos/"

# name|command with IN and OUT; FMT is jpeg for timing (the handler writes the
# input's format, JPEG q75) and png for the quality run.
ROWS=(
  "pillow_seed|$PY $SHARED/pillow_seed.py IN OUT PNGFLAG"
  "pillow_fast|$PY $SHARED/pillow_fast.py IN OUT PNGFLAG"
  "vips_gray|$BIN/vips_gray PNGFLAG1 IN OUT"
  "imgprep_convert|$BIN/imgprep convert --size 256x256 --format FMT -o OUT IN"
  # the decoder alone (bench/cmd/fastgray): fastjpeg at the smallest DCT scale
  # keeping >= 256 (or 512) px per side, Lanczos-3 onto the exact image area
  "fastgray_min256|$BIN/fastgray PNGFLAG1 -min 256 IN OUT"
  "fastgray_min512|$BIN/fastgray PNGFLAG1 -min 512 IN OUT"
)
cmdline() { # row-command in out png(0/1)
  local c=$1
  c=${c//IN/$2}; c=${c//OUT/$3}
  if [ "$4" = 1 ]; then c=${c//PNGFLAG1/-png}; c=${c//PNGFLAG/--png}; c=${c//FMT/png}
  else c=${c//PNGFLAG1/}; c=${c//PNGFLAG/}; c=${c//FMT/jpeg}; fi
  echo "$c"
}
# cpu NAME CMD -> CPU seconds (user+sys, mean of RUNS runs after a warm-up) on core 0
cpu() {
  local j=$W/json.$1.json
  hyperfine -N -w 1 -r "$RUNS" --export-json "$j" --style none -- "taskset -c 0 $2" >/dev/null 2>&1 ||
    { echo "FAILED: $2" >&2; echo nan; return; }
  # hyperfine 1.15 reports user and system as means over the runs
  $PY -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print(r["user"]+r["system"])' "$j"
}

echo "== timings ($RUNS runs per figure, one core)" >&2
printf 'impl\tbatch\tcpu_s\n' > "$W/times.tsv"
have() { [ "$1" != imgprep_convert ] || [ -x "$BIN/imgprep" ]; }
for row in "${ROWS[@]}"; do
  IFS='|' read -r name cmd <<<"$row"
  have "$name" || continue
  for batch in empty r1200x800 r1500x997 r2040x1536; do
    o=$O/${name}_$batch; rm -rf "$o"; mkdir -p "$o"
    t=$(cpu "${name}_$batch" "$(cmdline "$cmd" "$B/$batch" "$o" 0)")
    printf '%s\t%s\t%s\n' "$name" "$batch" "$t" | tee -a "$W/times.tsv" >&2
  done
done

echo "== 12 MP / 24 MP: one process per photo, one core" >&2
printf 'impl\tbatch\tcpu_s\tpeak_mib\n' > "$W/big.tsv"
for row in "${ROWS[@]}"; do
  IFS='|' read -r name cmd <<<"$row"
  have "$name" || continue
  for batch in big12 big24; do
    o=$O/${name}_$batch; rm -rf "$o"; mkdir -p "$o"
    c=$(cmdline "$cmd" "$B/$batch" "$o" 0)
    t=$(cpu "${name}_$batch" "$c")
    /usr/bin/time -o "$W/rss" -f '%M' taskset -c 0 sh -c "exec $c" >/dev/null 2>&1 || true
    printf '%s\t%s\t%s\t%s\n' "$name" "$batch" "$t" "$(( $(tail -1 "$W/rss") / 1024 ))" | tee -a "$W/big.tsv" >&2
  done
done

echo "== quality (PSNR vs Pillow LANCZOS, 14 photos)" >&2
pairs=()
for row in "${ROWS[@]}"; do
  IFS='|' read -r name cmd <<<"$row"
  have "$name" || continue
  o=$W/q/$name; rm -rf "$o"; mkdir -p "$o"
  sh -c "$(cmdline "$cmd" "$B/photos" "$o" 1)" >/dev/null 2>&1 || echo "quality run failed: $name" >&2
  pairs+=("$name=$o")
done
$PY "$HERE/psnr.py" "$SHARED" "$CORPUS" "${pairs[@]}" > "$W/quality.tsv"
$PY "$HERE/report.py" "$W" "$RUNS" | tee "$W/report.md"
