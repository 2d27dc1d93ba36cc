#!/usr/bin/python3
"""PyTorch-in-Python counterpart of gloss_bench_captioner, and the driver that
runs both on the same images and prints one comparison table.

Run with Debian's /usr/bin/python3 (torch 1.13) and OMP_WAIT_POLICY=PASSIVE.

  # one side: the TorchScript module called from Python, as a Python tool would
  captioner_python.py bench --model M.pt --images DIR [--count 16] [--batch 1,8]
      [--threads 1] [--reps 5] [--min-time 1.0] [--max-len 20] [--split] [--json]

  # both sides, same images, same model, same threads; interleaved rounds
  captioner_python.py drive [--resnet 152] [--image-size 224] [--rounds 2] ...
      (see --help; tests/bench/captioner.sh calls this with the defaults)

Per call, the Python side does what gloss's TorchScript adapter does in C++:
gloss's bilinear resize (the bit-exact numpy copy in
models/export_torchscript.py), /255, (x - mean) / std, one generate() call
under torch.inference_mode(), then detokenising every row. Images are decoded
(PIL) before timing, as gloss_bench_captioner decodes them before timing.
`--split` also times max_len 1 (encoder + feature step + one word) and
generate() alone on a ready tensor (no preprocessing), and the encoder alone
(module.encoder), to show where the time goes.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "models"))
from export_torchscript import gloss_resize_bilinear  # noqa: E402


# ------------------------------------------------------------------ one side
def load_pool(images_dir, count):
    from PIL import Image
    files = sorted(f for f in os.listdir(images_dir) if f.endswith((".png", ".jpg", ".jpeg")))[:count]
    if not files:
        sys.exit("%s: no .png/.jpg files" % images_dir)
    return [np.array(Image.open(os.path.join(images_dir, f)).convert("RGB"), dtype=np.uint8) for f in files]


class PyCaptioner:
    """What gloss's TorchScriptCaptioner::run does, in Python."""

    def __init__(self, path):
        self.module = torch.jit.load(path, map_location="cpu")
        self.module.eval()
        self.size = int(self.module.image_size)
        self.vocab = list(self.module.vocab)
        self.mean = torch.tensor(list(self.module.mean), dtype=torch.float32).view(1, 3, 1, 1)
        self.std = torch.tensor(list(self.module.std), dtype=torch.float32).view(1, 3, 1, 1)
        self.start = self.vocab.index("<start>")
        self.end = self.vocab.index("<end>")
        self.pad = self.vocab.index("<pad>")

    def preprocess(self, images):
        batch = []
        for img in images:
            if img.shape[0] != self.size or img.shape[1] != self.size:
                img = gloss_resize_bilinear(img, self.size, self.size)
            batch.append(torch.from_numpy(np.ascontiguousarray(img)).permute(2, 0, 1))
        # The same torch ops, in the same order, as gloss's normalise_u8.
        return torch.stack(batch).to(torch.float32).div(255.0).sub(self.mean).div(self.std)

    def caption(self, images, max_len):
        with torch.inference_mode():
            tokens, log_prob = self.module.generate(self.preprocess(images), max_len)
        out = []
        for row, lp in zip(tokens.tolist(), log_prob.tolist()):
            words = []
            for t, tok in enumerate(row):
                if t == 0 and tok == self.start:
                    continue
                if tok == self.end or tok == self.pad:
                    break
                words.append(self.vocab[tok])
            out.append((" ".join(words), lp))
        return out


def time_reps(call, batch, reps, min_time):
    """Warm-up (2 calls + a quarter of min_time, which sizes a repeat), then
    `reps` repeats of whole calls; images/s per repeat."""
    call()
    call()
    calls, t0 = 0, time.perf_counter()
    while True:
        call()
        calls += 1
        if time.perf_counter() - t0 >= min_time / 4:
            break
    per_call = (time.perf_counter() - t0) / calls
    iters = max(1, int(min_time / per_call + 0.5))
    ips, cpu_ips = [], []
    for _ in range(reps):
        c0, t0 = time.process_time(), time.perf_counter()
        for _ in range(iters):
            call()
        ips.append(iters * batch / (time.perf_counter() - t0))
        cpu_ips.append(iters * batch / (time.process_time() - c0))
    return ips, cpu_ips


def bench(args):
    torch.set_num_threads(args.threads)
    pool = load_pool(args.images, args.count)
    cap = PyCaptioner(args.model)
    results = []
    for max_len in ([args.max_len, 1] if args.split else [args.max_len]):
        for b in args.batch:
            state = {"next": 0, "caption": ""}

            def call():
                imgs = [pool[(state["next"] + i) % len(pool)] for i in range(b)]
                state["next"] += b
                out = cap.caption(imgs, max_len)
                if not state["caption"]:
                    state["caption"] = out[0][0]

            ips, cpu_ips = time_reps(call, b, args.reps, args.min_time)
            results.append({"side": "python", "what": "caption", "model": os.path.basename(args.model),
                            "batch": b, "threads": args.threads, "max_len": max_len, "ips": ips,
                            "cpu_ips": cpu_ips, "caption": state["caption"]})
    if args.split:
        for b in args.batch:
            imgs = [pool[i % len(pool)] for i in range(b)]
            x = cap.preprocess(imgs)
            with torch.inference_mode():
                for what, fn in (("generate only", lambda: cap.module.generate(x, args.max_len)),
                                 ("encoder only", lambda: cap.module.encoder(x)),
                                 ("preprocess only", lambda: cap.preprocess(imgs))):
                    ips, cpu_ips = time_reps(fn, b, args.reps, args.min_time)
                    results.append({"side": "python", "what": what, "model": os.path.basename(args.model),
                                    "batch": b, "threads": args.threads, "max_len": args.max_len,
                                    "ips": ips, "cpu_ips": cpu_ips})
    if args.json:
        for r in results:
            print(json.dumps(r))
        return
    print("model: %s, images: %d from %s, threads %d, torch %s"
          % (args.model, len(pool), args.images, args.threads, torch.__version__))
    print("| what | batch | max_len | images/s median | min | max | images per CPU-s median |")
    print("|---|--:|--:|--:|--:|--:|--:|")
    for r in results:
        print("| %s | %d | %d | %.2f | %.2f | %.2f | %.2f |" % (
            r["what"], r["batch"], r["max_len"], statistics.median(r["ips"]), min(r["ips"]), max(r["ips"]),
            statistics.median(r["cpu_ips"])))


# ------------------------------------------------------------------ levers
def levers(args):
    """What would make the TorchScript path faster, measured on the Python
    side (the same libtorch_cpu as gloss, so the factors carry over): the
    module as loaded, frozen + optimize_for_inference, bf16 weights and input
    (oneDNN; AMX on CPUs that have it), and the encoder alone in fp32/bf16.
    Variants interleaved per repeat; speed-up against "as loaded" in the same
    run; token agreement against "as loaded" on the same images."""
    torch.set_num_threads(args.threads)
    pool = load_pool(args.images, args.count)
    cap = PyCaptioner(args.model)
    keep = ["generate", "vocab", "image_size", "mean", "std"]
    with torch.inference_mode():
        base = cap.module
        frozen = torch.jit.optimize_for_inference(torch.jit.freeze(torch.jit.load(args.model).eval(), keep),
                                                  other_methods=["generate"])
        bf16 = torch.jit.load(args.model).eval().to(torch.bfloat16)
    variants = [("as loaded (fp32)", base, torch.float32),
                ("frozen + optimize_for_inference (fp32)", frozen, torch.float32),
                ("bf16 weights + input (module.to(bfloat16))", bf16, torch.bfloat16)]
    flags = open("/proc/cpuinfo").read()
    print("levers: %s, threads %d, max_len %d, torch %s, CPU %s" % (
        os.path.basename(args.model), args.threads, args.max_len, torch.__version__,
        "with AMX-BF16" if "amx_bf16" in flags else ("with AVX512-BF16" if "avx512_bf16" in flags else
                                                      "without bf16 instructions")))
    print("| batch | variant | wall ms/image median [min-max] | CPU ms/image median [min-max] "
          "| speed-up (CPU) | rows equal to fp32 |")
    print("|--:|---|--:|--:|--:|--:|")
    for b in args.batch:
        x = cap.preprocess([pool[i % len(pool)] for i in range(b)])
        allx = cap.preprocess(pool)
        calls = [(name, (lambda m=m, dt=dt: m.generate(x.to(dt), args.max_len))) for name, m, dt in variants]
        calls.append(("encoder only (fp32)", lambda: base.encoder(x)))
        calls.append(("encoder only (bf16)", lambda: bf16.encoder(x.to(torch.bfloat16))))
        times = {name: [] for name, _ in calls}
        with torch.inference_mode():
            ref = base.generate(allx, args.max_len)[0]
            agree = {name: "%d/%d" % (int((m.generate(allx.to(dt), args.max_len)[0] == ref).all(1).sum()),
                                       len(pool)) for name, m, dt in variants}
            for _, fn in calls:
                fn()
            for _ in range(args.reps):
                for name, fn in calls:
                    c0, t0 = time.process_time(), time.perf_counter()
                    fn()
                    times[name].append(((time.perf_counter() - t0) * 1000 / b, (time.process_time() - c0) * 1000 / b))
        m0 = statistics.median(t[1] for t in times[variants[0][0]])
        for name, _ in calls:
            wall = [t[0] for t in times[name]]
            cpu = [t[1] for t in times[name]]
            print("| %d | %s | %.1f [%.1f-%.1f] | %.1f [%.1f-%.1f] | %.2fx | %s |" % (
                b, name, statistics.median(wall), min(wall), max(wall), statistics.median(cpu), min(cpu), max(cpu),
                m0 / statistics.median(cpu), agree.get(name, "")))


# ------------------------------------------------------------------ driver
def run_json(cmd, env):
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, env=env, text=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def fmt(ips):
    return "%.2f [%.2f-%.2f]" % (statistics.median(ips), min(ips), max(ips))


def drive(args):
    env = dict(os.environ)
    env.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    work = args.workdir or tempfile.mkdtemp(prefix="gloss-bench-captioner-")
    images = os.path.join(work, "images")
    if not os.path.isdir(images):
        subprocess.run([args.gloss, "synth", work, "--count", str(args.count), "--seed", "7",
                        "--size", "64"], check=True, stdout=subprocess.DEVNULL, env=env)
    model = os.path.join(work, "resnet%d-%d.pt" % (args.resnet, args.image_size))
    pngs = sorted(os.path.join(images, f) for f in os.listdir(images) if f.endswith(".png"))
    if not os.path.exists(model):
        # The tutorial's vocabulary has ~10k words; the output layer's size
        # matters for the decoder's share.
        words = ",".join("w%d" % i for i in range(args.vocab - 4))
        subprocess.run([sys.executable, os.path.join(ROOT, "models", "export_torchscript.py"), "--random",
                        "--resnet", str(args.resnet), "--image-size", str(args.image_size), "--seed", "3",
                        "--vocab-words", words, "--calibrate", "--check-images", *pngs[:8],
                        "--check-out", os.path.join(work, "check.json"), "--out", model],
                       check=True, stdout=subprocess.DEVNULL, env=env)
    common = ["--images", images, "--count", str(args.count), "--batch", args.batch_arg,
              "--threads", str(args.threads), "--reps", str(args.reps), "--min-time", str(args.min_time),
              "--max-len", str(args.max_len), "--json"]
    split = ["--split"] if args.split else []
    cpp, py = [], []
    for _ in range(args.rounds):
        cpp += run_json([args.cpp, "--model", model, *common, *split], env)
        py += run_json([sys.executable, os.path.abspath(__file__), "bench", "--model", model, *common, *split],
                       env)
    native = []
    if args.native and os.path.exists(args.native):
        native = run_json([args.cpp, "--model", args.native, *common], env)

    def merged(rows, what, batch, max_len, key="ips"):
        ips, caption = [], ""
        for r in rows:
            if r.get("what", "caption") == what and r["batch"] == batch and r["max_len"] == max_len:
                ips += r[key]
                caption = caption or r.get("caption", "")
        return ips, caption

    label = "resnet-%d %dpx (TorchScript)" % (args.resnet, args.image_size)
    print("captioner throughput, C++ (gloss Captioner) vs Python (same TorchScript module), torch %s"
          % torch.__version__)
    print("images: %d synthetic 64x64 scenes (resized to the model's size in every call), max_len %d, "
          "vocab %d, %d rounds x %d repeats of >= %.1f s per side, sides alternated"
          % (args.count, args.max_len, args.vocab, args.rounds, args.reps, args.min_time))
    print("wall: images/s by the clock; CPU: images per CPU-second of the process (less sensitive "
          "than wall time to other work on a shared machine, not immune)")
    print()
    print("| model | batch | threads | C++ images/s wall, median [min-max] | Python images/s wall "
          "| ratio wall | C++ images/CPU-s | Python images/CPU-s | ratio CPU |")
    print("|---|--:|--:|--:|--:|--:|--:|--:|--:|")
    for b in args.batch:
        c, c_cap = merged(cpp, "caption", b, args.max_len)
        p, p_cap = merged(py, "caption", b, args.max_len)
        cc, pc = merged(cpp, "caption", b, args.max_len, "cpu_ips")[0], merged(py, "caption", b, args.max_len,
                                                                                "cpu_ips")[0]
        if c_cap != p_cap:
            print("WARNING: first captions differ: C++ %r, Python %r" % (c_cap, p_cap), file=sys.stderr)
        print("| %s | %d | %d | %s | %s | %.2fx | %s | %s | %.2fx |" % (
            label, b, args.threads, fmt(c), fmt(p), statistics.median(c) / statistics.median(p), fmt(cc), fmt(pc),
            statistics.median(cc) / statistics.median(pc)))
    for b in args.batch:
        n, _ = merged(native, "caption", b, args.max_len)
        nc, _ = merged(native, "caption", b, args.max_len, "cpu_ips")
        if n:
            print("| %s (native) | %d | %d | %s | n/a | | %s | n/a | |" % (
                os.path.basename(args.native), b, args.threads, fmt(n), fmt(nc)))
    if args.split:
        print()
        print("where the time goes (CPU ms per image, medians; TorchScript model):")
        print("| batch | side | whole call | max_len 1 call (encoder + 2 LSTM steps) | per extra word "
              "(of %d) | generate() only | encoder only | preprocess only |" % (args.max_len - 1))
        print("|--:|---|--:|--:|--:|--:|--:|--:|")
        for b in args.batch:
            for side, rows in (("C++", cpp), ("Python", py)):
                def ms(what, max_len):
                    v = merged(rows, what, b, max_len, "cpu_ips")[0]
                    return 1000 / statistics.median(v) if v else None
                whole, one = ms("caption", args.max_len), ms("caption", 1)
                cells = ["%.2f" % v if v is not None else "" for v in
                         (ms(w, args.max_len) for w in ("generate only", "encoder only", "preprocess only"))]
                print("| %d | %s | %.2f | %.2f | %.3f | %s |" % (b, side, whole, one,
                                                                (whole - one) / (args.max_len - 1),
                                                                " | ".join(cells)))
    if args.levers:
        print()
        sys.stdout.flush()
        subprocess.run([sys.executable, os.path.abspath(__file__), "levers", "--model", model,
                        *[a for a in common if a != "--json"]], check=True, env=env)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="mode", required=True)
    for name in ("bench", "drive", "levers"):
        p = sub.add_parser(name)
        p.add_argument("--count", type=int, default=16)
        p.add_argument("--batch", default="1,8")
        p.add_argument("--threads", type=int, default=1)
        p.add_argument("--reps", type=int, default=5)
        p.add_argument("--min-time", type=float, default=1.0)
        p.add_argument("--max-len", type=int, default=20)
        p.add_argument("--split", action="store_true")
        if name in ("bench", "levers"):
            p.add_argument("--model", required=True)
            p.add_argument("--images", required=True)
            p.add_argument("--json", action="store_true")
        else:
            p.add_argument("--gloss", default=os.path.join(ROOT, "build", "gloss"))
            p.add_argument("--cpp", default=os.path.join(ROOT, "build", "gloss_bench_captioner"))
            p.add_argument("--native", default=os.path.join(ROOT, "models", "default.gloss"))
            p.add_argument("--resnet", type=int, default=152, choices=[18, 34, 50, 101, 152])
            p.add_argument("--image-size", type=int, default=224)
            p.add_argument("--vocab", type=int, default=9956, help="vocabulary size (tutorial: 9956)")
            p.add_argument("--rounds", type=int, default=2)
            p.add_argument("--workdir", help="keep images and the exported model here (reused if present)")
            p.add_argument("--levers", action="store_true", help="also run `levers` on the same model")
    args = ap.parse_args()
    args.batch_arg = args.batch
    args.batch = [int(v) for v in args.batch.split(",") if v]
    if args.mode == "bench":
        bench(args)
    elif args.mode == "levers":
        levers(args)
    else:
        drive(args)


if __name__ == "__main__":
    main()
