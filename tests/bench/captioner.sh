#!/usr/bin/env bash
# Captioner throughput, gloss (C++) vs PyTorch-in-Python, on the same images,
# the same TorchScript module and the same thread count; prints one table.
#
#   tests/bench/captioner.sh [drive options, see captioner_python.py drive --help]
#   BUILD_DIR=build-x tests/bench/captioner.sh --resnet 18 --rounds 1
#
# Needs BUILD_DIR (default ./build) to hold gloss and gloss_bench_captioner,
# and Debian's /usr/bin/python3 with torch and torchvision.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${BUILD_DIR:-$root/build}"
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
exec /usr/bin/python3 "$root/tests/bench/captioner_python.py" drive \
  --gloss "$build/gloss" --cpp "$build/gloss_bench_captioner" "$@"
