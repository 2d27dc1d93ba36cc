#!/usr/bin/python3
"""Answers of three made-up annotators to `gloss synth`'s scenes, for the
agreement example in docs/review.md.

    gloss synth --count 12 --seed 7 --size 64 scenes
    python3 docs/examples/make_agreement_answers.py scenes
    gloss --db demo db-in shapes scenes/answers.jsonl
    gloss --db demo db-in shapes-errors scenes/errors.jsonl
    gloss --db demo agreement shapes

Writes SCENES/answers.jsonl (captions: alice writes the ground truth, bob
sometimes names another colour or count, carol answers every other scene
and sometimes leaves out the background) and SCENES/errors.jsonl (alice's
and bob's error categories, as `gloss errors` stores them: with the guess).
Deterministic: the same scenes give the same files.
"""
import json
import sys
from pathlib import Path

COLOURS = ["red", "green", "blue", "yellow", "orange", "purple", "white", "black"]


def other_colour(caption):
    words = caption.split()
    for i, w in enumerate(words):
        if w in COLOURS:
            words[i] = COLOURS[(COLOURS.index(w) + 1) % len(COLOURS)]
            return " ".join(words)
    return caption


def without_background(caption):
    words = caption.split()
    if "on" in words:
        return " ".join(words[: words.index("on")])
    return caption


def answer(image, annotator, caption, kind="accept", **extra):
    return {"image": image, "caption": caption, "orig_caption": caption, "answer": kind,
            "_annotator_id": annotator, "_session_id": "agreement-example", **extra}


def caption_answers(i, image, truth):
    out = [answer(image, "alice", truth)]
    bob = other_colour(truth) if i % 3 == 1 else truth.replace("a ", "one ", 1) if i % 4 == 3 else truth
    out.append(answer(image, "bob", bob, "reject" if i == 5 else "accept"))
    if i % 2 == 0:
        carol = without_background(truth) if i % 4 == 2 else truth
        out.append(answer(image, "carol", carol, "ignore" if i == 8 else "accept"))
    return out


def error_answers(i, image, truth):
    alice = ["attributes"] if i % 2 else ["subject"]
    bob = ["attributes", "number"] if i % 5 == 0 else alice
    return [answer(image, who, truth, categories=cats, guess=alice)
            for who, cats in (("alice", alice), ("bob", bob))]


def main():
    scenes = Path(sys.argv[1])
    lines = [json.loads(l) for l in (scenes / "captions.jsonl").read_text().splitlines() if l.strip()]
    with open(scenes / "answers.jsonl", "w") as captions, open(scenes / "errors.jsonl", "w") as errors:
        for i, scene in enumerate(lines):
            for a in caption_answers(i, scene["image"], scene["caption"]):
                captions.write(json.dumps(a) + "\n")
            for a in error_answers(i, scene["image"], scene["caption"]):
                errors.write(json.dumps(a) + "\n")


if __name__ == "__main__":
    main()
