#!/usr/bin/python3
"""Draws a command's output as a terminal would show it, for the docs'
pictures of CLI output (gloss agreement in docs/review.md):

    gloss --db demo agreement shapes --top 3 | python3 docs/examples/terminal_png.py docs/screenshot-agreement.png

Light grey DejaVu Sans Mono (fonts-dejavu-core) on the windows' dark ground;
needs python3-pil. The text itself is in the docs too: this is what a lead
sees in the terminal.
"""
import sys

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
SIZE = 15
PAD = 18
GROUND = (30, 32, 36)
TEXT = (214, 218, 224)
PROMPT = (120, 200, 140)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: terminal_png.py OUT.png < text  (the first line may start with '$ ': drawn as the prompt)")
    lines = sys.stdin.read().expandtabs().rstrip("\n").split("\n")
    font = ImageFont.truetype(FONT, SIZE)
    left, top, right, bottom = font.getbbox("M")
    cell_w = font.getlength("M")
    line_h = int(SIZE * 1.45)
    width = int(max(len(line) for line in lines) * cell_w) + 2 * PAD
    height = len(lines) * line_h + 2 * PAD
    image = Image.new("RGB", (width, height), GROUND)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        colour = PROMPT if line.startswith("$ ") else TEXT
        draw.text((PAD, PAD + i * line_h), line, font=font, fill=colour)
    image.save(sys.argv[1], optimize=True)
    print(f"{sys.argv[1]}: {width}x{height}, {len(lines)} lines")


if __name__ == "__main__":
    main()
