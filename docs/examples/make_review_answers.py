#!/usr/bin/python3
"""Answers of four made-up annotators to `gloss synth`'s scenes, for the
review window's screenshot in docs/review.md.

    gloss synth --count 4 --seed 5 --size 320 scenes
    python3 docs/examples/make_review_answers.py scenes
    gloss --db demo db-in d scenes/review-answers.jsonl
    xvfb-run -a -s "-screen 0 1280x800x24" gloss --db demo review d \
        --annotator lead --replay docs/examples/review-screenshot.replay

Writes SCENES/review-answers.jsonl: on every scene ann writes the ground
truth and bob says "big" for "large" and drops the background; on the first
scene two more annotators answer in Chinese, dai with a different word for
the pattern and one character left out. Deterministic.
"""
import json
import sys
from pathlib import Path

CHINESE = {
    "chen": "黑色条纹背景上有三个紫色大十字和一个紫色小正方形",
    "dai": "黑色斜纹背景上有三个紫色十字和一个紫色小正方形",
}


def loosely(caption):
    words = ["big" if w == "large" else w for w in caption.split()]
    if "on" in words:
        words = words[: words.index("on")]
    return " ".join(words)


def answer(image, annotator, caption):
    return {"image": image, "caption": caption, "answer": "accept", "_annotator_id": annotator}


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make_review_answers.py SCENES (a folder written by gloss synth)")
    scenes = Path(sys.argv[1])
    captions = [json.loads(line) for line in (scenes / "captions.jsonl").read_text().splitlines() if line]
    out = []
    for i, scene in enumerate(captions):
        image = str(scenes / scene["image"])
        out.append(answer(image, "ann", scene["caption"]))
        out.append(answer(image, "bob", loosely(scene["caption"])))
        if i == 0:
            out += [answer(image, who, text) for who, text in CHINESE.items()]
    path = scenes / "review-answers.jsonl"
    path.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in out), encoding="utf-8")
    print(f"{path}: {len(out)} answers to {len(captions)} scenes")


if __name__ == "__main__":
    main()
