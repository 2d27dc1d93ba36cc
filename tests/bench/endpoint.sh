#!/usr/bin/env bash
# Endpoint models: `gloss predict` throughput against the model file's
# concurrency (1, 2, 4, 8) with a server that takes a fixed time per request
# (models/serve_openai.py --delay), then stalls against the annotator's pace
# in the caption window (xvfb-run) at concurrency 4. Prints figures; never
# fails on a time. Results: docs/models.md#benchmark.
#
#   tests/bench/endpoint.sh [--images N] [--delay S] [--paces "2 1 0.5"] [--tasks N]
#
# Needs BUILD_DIR (default ./build) with gloss, and Debian's /usr/bin/python3
# with torch and torchvision (the served model is a small random TorchScript
# captioner exported by models/export_torchscript.py).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${BUILD_DIR:-$root/build}"
images=48 delay=0.5 paces="2 1 0.5" tasks=16
while [ $# -gt 0 ]; do
  case "$1" in
    --images) images="$2"; shift 2 ;;
    --delay) delay="$2"; shift 2 ;;
    --paces) paces="$2"; shift 2 ;;
    --tasks) tasks="$2"; shift 2 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done
work="$(mktemp -d)"
server=""
trap '[ -n "$server" ] && kill "$server"; rm -rf "$work"' EXIT
gloss="$build/gloss"
"$gloss" synth "$work/scenes" --count "$images" --seed 7 >/dev/null
model="$build/test-models/endpoint-random.pt"
if [ ! -f "$model" ]; then
  mkdir -p "$(dirname "$model")"
  /usr/bin/python3 "$root/models/export_torchscript.py" --random --resnet 18 \
    --vocab-words a,red,green,blue,circle,square,on,background --seed 3 --image-size 32 --out "$model.partial" >/dev/null
  mv "$model.partial" "$model"
fi
/usr/bin/python3 "$root/models/serve_openai.py" "$model" --port 0 --delay "$delay" > "$work/server.txt" &
server=$!
for _ in $(seq 1 240); do grep -q http "$work/server.txt" 2>/dev/null && break; sleep 0.5; done
url="$(grep -o 'http://[^ ]*' "$work/server.txt")"
model_file() { printf '{"kind": "openai-chat", "url": "%s", "model": "bench", "concurrency": %s}\n' "$url" "$1" > "$work/m$1.json"; }

printf 'predict: %s images, server %s s per request (ideal: concurrency / %s images/s)\n\n' "$images" "$delay" "$delay"
printf '%-12s %10s %12s %10s\n' concurrency seconds images/s speedup
base=""
for c in 1 2 4 8; do
  model_file "$c"
  start=$(date +%s.%N)
  "$gloss" --db "$work/db$c" predict "$work/scenes/images" --model "$work/m$c.json" >/dev/null 2>&1
  secs=$(awk -v a="$(date +%s.%N)" -v b="$start" 'BEGIN { print a - b }')
  rate=$(awk -v n="$images" -v s="$secs" 'BEGIN { print n / s }')
  [ -z "$base" ] && base=$rate
  printf '%-12s %10.1f %12.2f %9.1fx\n' "$c" "$secs" "$rate" "$(awk -v r="$rate" -v b="$base" 'BEGIN { print r / b }')"
done

if ! command -v xvfb-run >/dev/null; then echo; echo "window: xvfb-run not installed, skipped"; exit 0; fi
printf '\nwindow: %s tasks at each pace, concurrency 4, server %s s per request\n\n' "$tasks" "$delay"
printf '%-16s %8s\n' "s per image" stalls
model_file 4
for pace in $paces; do
  db="$work/window$pace"
  mkdir -p "$db.first" && cp "$(ls "$work/scenes/images/"* | head -1)" "$db.first/"
  "$gloss" --db "$db" predict "$db.first" --model "$work/m4.json" >/dev/null 2>&1  # the first image is shown at once
  { echo wait-suggestion; for _ in $(seq 1 "$tasks"); do echo "wait ${pace}s"; echo "key Enter"; done; echo quit; } > "$work/replay.txt"
  out="$(timeout 600 xvfb-run -a -s '-screen 0 1280x800x24' "$gloss" --db "$db" caption bench "$work/scenes/images" \
         --model "$work/m4.json" --replay "$work/replay.txt" 2>&1 || true)"
  printf '%-16s %8s\n' "$pace" "$(echo "$out" | sed -n 's/.*stalls (opened before the suggestion was ready) *\([0-9]*\).*/\1/p')"
done
