#!/usr/bin/env bash
# The .deb (issue 14): cpack builds it from the build tree; every dependency
# it declares is installable on this Debian (apt-get's simulation: nothing is
# installed); unpacked into a scratch root, the packaged gloss runs from
# another folder with no GLOSS_* variable and captions a few scenes with the
# bundled model. Usage: package_test.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$build" && cpack -G DEB -B "$work/pkg" >"$work/cpack.log" 2>&1) || { cat "$work/cpack.log"; exit 1; }
deb=$(ls "$work"/pkg/gloss_*.deb)
echo "package: $(basename "$deb") ($(du -h "$deb" | cut -f1))"
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
for needed in libtorch libvips libopenblas0-pthread libglfw3 liblmdb0 wordnet-base; do
  grep -q "$needed" <<<"$depends" || { echo "FAIL: Depends lacks $needed"; exit 1; }
done
apt-get install -s "$deb" >"$work/apt.log" 2>&1 || { cat "$work/apt.log"; echo "FAIL: dependencies not installable"; exit 1; }
grep -q '^Inst gloss' "$work/apt.log" || { cat "$work/apt.log"; echo "FAIL: apt would not install gloss"; exit 1; }

dpkg-deb -x "$deb" "$work/root"
gloss=$work/root/usr/bin/gloss
test -x "$gloss"
mkdir "$work/elsewhere" && cd "$work/elsewhere"
run() { env -u GLOSS_MODEL -u GLOSS_TORCH_LIBRARY -u GLOSS_DB "$gloss" --db db "$@"; }
run --help >/dev/null
run version | tee version.txt
grep -q "bundled model: $work/root/usr/share/gloss/models/default.gloss" version.txt
grep -q "model code: $work/root/usr/lib" version.txt
run synth scenes --count 4 >/dev/null
run predict scenes | tee predict.txt
grep -q 'captioned 4 images' predict.txt
echo "package test passed"
