#!/usr/bin/env bash
# Writes gloss's image test corpus into OUT from Debian's tools (ImageMagick,
# exiftool, webp, libheif-examples, libavif-bin, libjxl-tools, libvips-tools,
# colord-data's ICC profiles, gnome-backgrounds' photos): one file per format
# and variant, the 8 EXIF orientations of an asymmetric image, ICC-tagged
# files, alpha, damaged files. With --big also 26, 48 and 108 MP camera-sized
# JPEGs made from a real photo. Nothing here is committed; tests and benches
# run this. See docs/formats.md.
#
# The reference image (ref.png, 96x64) has four coloured quadrants:
# top-left red, top-right green, bottom-left blue, bottom-right yellow.
set -euo pipefail
out=${1:?usage: make_image_corpus.sh OUT [--big]}
big=${2:-}
mkdir -p "$out"
cd "$out"
im=/usr/bin/convert  # ImageMagick itself (a stand-in may come first on PATH)
need() { for t in "$@"; do command -v "$t" >/dev/null || { echo "make_image_corpus: $t is missing (run .ci/setup)" >&2; exit 3; }; done; }
need "$im" exiftool cwebp img2webp heif-enc avifenc cjxl vips
quiet() { "$@" >/dev/null 2>&1 || { echo "make_image_corpus: failed: $*" >&2; "$@"; exit 1; }; }

# The upright reference and a second frame for animations.
quiet "$im" -size 48x32 xc:'rgb(220,40,40)' xc:'rgb(40,180,60)' +append \
  \( -size 48x32 xc:'rgb(40,70,220)' xc:'rgb(240,220,40)' +append \) -append -depth 8 PNG24:ref.png
quiet "$im" -size 96x64 xc:'rgb(128,128,128)' PNG24:frame2.png

# JPEG
quiet "$im" ref.png -quality 95 -interlace none -sampling-factor 1x1 jpeg_baseline.jpg
quiet "$im" ref.png -quality 95 -interlace Plane -sampling-factor 1x1 jpeg_progressive.jpg
quiet "$im" ref.png -quality 95 -colorspace CMYK jpeg_cmyk.jpg
cp jpeg_baseline.jpg photo.jfif
cp jpeg_baseline.jpg photo.jpe
cp jpeg_baseline.jpg no_extension

# PNG
cp ref.png png_rgb8.png
quiet "$im" ref.png -depth 16 PNG48:png_rgb16.png
quiet "$im" ref.png -colorspace Gray PNG8:png_grey.png
quiet "$im" ref.png PNG8:png_palette.png
# A black disc on a transparent canvas: the "logo" case.
quiet "$im" -size 96x64 xc:none -fill black -draw 'circle 48,32 48,8' PNG32:png_alpha.png

# WebP
quiet cwebp -quiet -q 95 -sharp_yuv ref.png -o webp_lossy.webp
quiet cwebp -quiet -lossless ref.png -o webp_lossless.webp
quiet cwebp -quiet -lossless png_alpha.png -o webp_alpha.webp
quiet img2webp -lossless ref.png frame2.png -o webp_animated.webp

# GIF (animated: the first frame is the reference)
quiet "$im" -delay 20 ref.png frame2.png -loop 0 gif_animated.gif

# TIFF
quiet "$im" ref.png -compress LZW tiff_lzw.tif
quiet "$im" ref.png -compress Zip tiff_deflate.tif
quiet "$im" ref.png -compress JPEG -quality 95 tiff_jpeg.tif
quiet "$im" ref.png -depth 16 -compress Zip tiff_16bit.tif
quiet "$im" ref.png frame2.png -compress LZW tiff_multipage.tif

# HEIF/HEIC, AVIF, JPEG XL
quiet heif-enc -q 95 ref.png -o heif.heic
quiet avifenc -s 10 --min 0 --max 4 -y 444 ref.png avif.avif
# HEIF-family rotation (irot: 90 degrees anticlockwise) on pixels stored turned clockwise.
quiet "$im" ref.png -rotate 90 PNG24:turned.png
quiet avifenc -s 10 --min 0 --max 4 -y 444 --irot 1 turned.png avif_irot.avif
rm turned.png
quiet cjxl -q 100 ref.png jxl.jxl

# BMP, PNM
quiet "$im" ref.png BMP3:bmp.bmp
quiet "$im" ref.png ppm.ppm
quiet "$im" ref.png -colorspace Gray pgm.pgm

# EXIF orientation: the stored pixels are the reference turned so that a
# viewer applying the tag shows the reference upright.
inverse=(- -flop "-rotate 180" -flip -transpose "-rotate 270" -transverse "-rotate 90")
for o in 1 2 3 4 5 6 7 8; do
  op=${inverse[$((o - 1))]}
  if [ "$op" = - ]; then op=; fi
  # shellcheck disable=SC2086
  quiet "$im" ref.png $op -quality 95 -sampling-factor 1x1 "orientation_$o.jpg"
  quiet exiftool -q -overwrite_original "-Orientation#=$o" "orientation_$o.jpg"
done
# The same tag in other containers: WebP (EXIF chunk) and TIFF (its own tag).
quiet "$im" ref.png -rotate 270 -quality 95 exif6.jpg
quiet exiftool -q -overwrite_original "-Orientation#=6" exif6.jpg
quiet "$im" ref.png -rotate 270 -orient RightTop -compress LZW tiff_orientation_6.tif
rm exif6.jpg

# ICC: the reference converted into a wide-gamut space with its profile
# embedded; decoded, it must come back as the sRGB reference.
icc=/usr/share/color/icc/colord
[ -f "$icc/AdobeRGB1998.icc" ] || { echo "make_image_corpus: colord-data is missing (run .ci/setup)" >&2; exit 3; }
quiet vips icc_transform ref.png "icc_adobergb.jpg[Q=95]" "$icc/AdobeRGB1998.icc" --embedded --input-profile srgb
quiet vips icc_transform ref.png icc_prophoto16.tif "$icc/ProPhotoRGB.icc" --depth 16 --input-profile srgb

# Damaged and misnamed files.
head -c 400 jpeg_progressive.jpg > truncated.jpg
head -c 150 png_rgb8.png > truncated.png
echo "this is a caption, not a picture" > text_named.png
: > empty.jpg
echo "a caption next to its image" > jpeg_baseline.txt

# Real photos: GNOME's wallpapers (WebP, 4096x4096).
photo=/usr/share/backgrounds/gnome/wood-d.webp
if [ -f "$photo" ]; then
  cp "$photo" real_wallpaper.webp
  # A phone photo held upright: stored sideways with orientation 6.
  quiet vips thumbnail "$photo" phone_portrait_src.jpg 3000 --height 4000 --crop centre
  quiet vips rot phone_portrait_src.jpg "phone_portrait.jpg[Q=90]" d270
  quiet exiftool -q -overwrite_original "-Orientation#=6" phone_portrait.jpg
  rm phone_portrait_src.jpg
fi

if [ "$big" = --big ]; then
  [ -f "$photo" ] || { echo "make_image_corpus: --big needs gnome-backgrounds" >&2; exit 3; }
  for spec in 26:6240x4160 48:8000x6000 108:12000x9000; do
    mp=${spec%%:*}; size=${spec#*:}; w=${size%x*}; h=${size#*x}
    quiet vips thumbnail "$photo" "big_${mp}mp.v" "$w" --height "$h" --size force
    quiet vips copy "big_${mp}mp.v" "big_${mp}mp.jpg[Q=90]"
    rm "big_${mp}mp.v"
  done
fi
echo "make_image_corpus: $(ls | wc -l) files in $out"
