#!/usr/bin/python3
"""Export the PyTorch image-captioning tutorial's CNN-LSTM as a TorchScript
module that gloss can load (see "TorchScript contract" in models/README.md).

Run with Debian's Python (torch 1.13, torchvision 0.14):

  # from the tutorial's checkpoints
  /usr/bin/python3 models/export_torchscript.py --encoder encoder-5-3000.ckpt \
      --decoder decoder-5-3000.ckpt --vocab vocab.pkl --out tutorial.pt
  # randomly initialised, for tests
  /usr/bin/python3 models/export_torchscript.py --random --resnet 18 \
      --vocab-words red,green,circle --seed 3 --image-size 32 --out t.pt \
      --check-images a.png b.png --check-out ref.json

--check-images writes, to --check-out, the token ids that the exported module
produces for those images with gloss's exact preprocessing (gloss's
resize_bilinear re-implemented bit for bit, /255, (x - mean) / std), all
images in one batch, in the given order.
"""
import argparse
import json
import pickle
import sys
from typing import List, Tuple

import numpy as np
import torch
import torch.nn as nn
import torchvision

SPECIALS = ["<pad>", "<start>", "<end>", "<unk>"]
IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]


class EncoderCNN(nn.Module):
    """The tutorial's encoder: ResNet without fc, Linear, BatchNorm1d."""

    def __init__(self, embed_size: int, depth: int):
        super().__init__()
        resnet = getattr(torchvision.models, "resnet%d" % depth)(weights=None)
        self.resnet = nn.Sequential(*list(resnet.children())[:-1])
        self.linear = nn.Linear(resnet.fc.in_features, embed_size)
        self.bn = nn.BatchNorm1d(embed_size, momentum=0.01)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        features = self.resnet(images)
        features = features.reshape(features.size(0), -1)
        return self.bn(self.linear(features))


class DecoderRNN(nn.Module):
    """The tutorial's decoder: Embedding, LSTM (batch_first), Linear."""

    def __init__(self, embed_size: int, hidden_size: int, vocab_size: int, num_layers: int = 1):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed_size)
        self.lstm = nn.LSTM(embed_size, hidden_size, num_layers, batch_first=True)
        self.linear = nn.Linear(hidden_size, vocab_size)


class GlossCaptioner(nn.Module):
    """The gloss TorchScript contract around EncoderCNN + DecoderRNN."""

    vocab: List[str]
    image_size: int
    mean: List[float]
    std: List[float]

    def __init__(self, encoder, decoder, vocab, image_size, mean, std):
        super().__init__()
        self.encoder = encoder
        self.decoder = decoder
        self.vocab = list(vocab)
        self.image_size = int(image_size)
        self.mean = [float(v) for v in mean]
        self.std = [float(v) for v in std]
        self.pad_id = vocab.index("<pad>")
        self.start_id = vocab.index("<start>")
        self.end_id = vocab.index("<end>")

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.generate(images, 20)[0]

    @torch.jit.export
    def generate(self, images: torch.Tensor, max_len: int) -> Tuple[torch.Tensor, torch.Tensor]:
        """Greedy decoding as the tutorial's sample(): the image feature is the
        first LSTM input, then <start>, then each predicted word. Returns token
        ids [B, max_len] (no <start>; <pad> after <end>) and summed
        log-probabilities [B] (including <end>)."""
        features = self.encoder(images)
        batch = features.size(0)
        layers = self.decoder.lstm.num_layers
        hidden = self.decoder.lstm.hidden_size
        h = torch.zeros(layers, batch, hidden, dtype=features.dtype, device=features.device)
        c = torch.zeros(layers, batch, hidden, dtype=features.dtype, device=features.device)
        _, (h, c) = self.decoder.lstm(features.unsqueeze(1), (h, c))
        start = torch.full((batch, 1), self.start_id, dtype=torch.long, device=features.device)
        inputs = self.decoder.embed(start)
        tokens = torch.full((batch, max_len), self.pad_id, dtype=torch.long, device=features.device)
        log_prob = torch.zeros(batch, dtype=torch.float32, device=features.device)
        done = torch.zeros(batch, dtype=torch.bool, device=features.device)
        for t in range(max_len):
            out, (h, c) = self.decoder.lstm(inputs, (h, c))
            logp = torch.log_softmax(self.decoder.linear(out.squeeze(1)), dim=1)
            value, index = logp.max(1)
            active = torch.logical_not(done)
            tokens[:, t] = torch.where(active, index, torch.full_like(index, self.pad_id))
            log_prob = log_prob + torch.where(active, value, torch.zeros_like(value))
            done = torch.logical_or(done, index == self.end_id)
            if bool(done.all()):
                break
            inputs = self.decoder.embed(index).unsqueeze(1)
        return tokens, log_prob


class _AnyVocabulary:
    """Stands in for the tutorial's build_vocab.Vocabulary when unpickling."""


class _VocabUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if name == "Vocabulary":
            return _AnyVocabulary
        return super().find_class(module, name)


def load_tutorial_vocab(path: str) -> List[str]:
    with open(path, "rb") as f:
        vocab = _VocabUnpickler(f).load()
    idx2word = vocab.idx2word if hasattr(vocab, "idx2word") else vocab["idx2word"]
    words = [idx2word[i] for i in range(len(idx2word))]
    for token in SPECIALS:
        if token not in words:
            sys.exit("%s: vocabulary lacks %s" % (path, token))
    return words


def gloss_resize_bilinear(img: np.ndarray, width: int, height: int) -> np.ndarray:
    """Bit-exact numpy copy of gloss::resize_bilinear (src/core/image.cpp):
    float32 arithmetic, pixel centres aligned, no antialias, round half up."""
    f32 = np.float32
    sh, sw = img.shape[0], img.shape[1]
    sx, sy = f32(sw) / f32(width), f32(sh) / f32(height)

    def axis(n, scale, size):
        f = np.maximum(f32(0), (np.arange(n, dtype=f32) + f32(0.5)) * scale - f32(0.5))
        i0 = np.minimum(f.astype(np.int64), size - 1)
        i1 = np.minimum(i0 + 1, size - 1)
        return i0, i1, (f - i0.astype(f32)).astype(f32)

    y0, y1, wy = axis(height, sy, sh)
    x0, x1, wx = axis(width, sx, sw)
    src = img.astype(f32)
    one = f32(1)
    wx_, wy_ = wx[None, :, None], wy[:, None, None]
    top = src[y0][:, x0] * (one - wx_) + src[y0][:, x1] * wx_
    bottom = src[y1][:, x0] * (one - wx_) + src[y1][:, x1] * wx_
    v = top * (one - wy_) + bottom * wy_
    return np.clip(np.floor(v.astype(np.float64) + 0.5), 0, 255).astype(np.uint8)


def preprocess(paths: List[str], size: int, mean: List[float], std: List[float]) -> torch.Tensor:
    from PIL import Image

    batch = []
    for path in paths:
        img = np.array(Image.open(path).convert("RGB"), dtype=np.uint8)
        if img.shape[0] != size or img.shape[1] != size:
            img = gloss_resize_bilinear(img, size, size)
        batch.append(torch.from_numpy(np.ascontiguousarray(img)).permute(2, 0, 1).contiguous())
    m = torch.tensor(mean, dtype=torch.float32).view(1, 3, 1, 1)
    s = torch.tensor(std, dtype=torch.float32).view(1, 3, 1, 1)
    # The same torch ops, in the same order, as gloss's normalise_u8.
    return torch.stack(batch).to(torch.float32).div(255.0).sub(m).div(s)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--encoder", help="tutorial encoder checkpoint (state_dict)")
    ap.add_argument("--decoder", help="tutorial decoder checkpoint (state_dict)")
    ap.add_argument("--vocab", help="tutorial vocab.pkl (Vocabulary with idx2word)")
    ap.add_argument("--random", action="store_true", help="random weights (tests)")
    ap.add_argument("--resnet", type=int, default=152, choices=[18, 34, 50, 101, 152])
    ap.add_argument("--vocab-words", default="", help="with --random: comma-separated words")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--embed", type=int, default=256)
    ap.add_argument("--hidden", type=int, default=512)
    ap.add_argument("--num-layers", type=int, default=1)
    ap.add_argument("--image-size", type=int, default=224)
    ap.add_argument("--mean", type=float, nargs=3, default=IMAGENET_MEAN)
    ap.add_argument("--std", type=float, nargs=3, default=IMAGENET_STD)
    ap.add_argument("--out", required=True, help="TorchScript file to write")
    ap.add_argument("--check-images", nargs="*", default=[])
    ap.add_argument("--check-out", help="JSON file for the reference outputs")
    ap.add_argument("--max-len", type=int, default=20)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--calibrate", action="store_true",
                    help="with --random: set the batch-norm statistics from the --check-images so "
                         "that a random model's captions differ from image to image")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    if args.random:
        words = SPECIALS + [w for w in args.vocab_words.split(",") if w]
    elif args.encoder and args.decoder and args.vocab:
        words = load_tutorial_vocab(args.vocab)
    else:
        ap.error("give --encoder, --decoder and --vocab, or --random")
    encoder = EncoderCNN(args.embed, args.resnet)
    decoder = DecoderRNN(args.embed, args.hidden, len(words), args.num_layers)
    if not args.random:
        encoder.load_state_dict(torch.load(args.encoder, map_location="cpu"))
        decoder.load_state_dict(torch.load(args.decoder, map_location="cpu"))
    model = GlossCaptioner(encoder, decoder, words, args.image_size, args.mean, args.std).eval()
    if args.random and args.calibrate and args.check_images:
        for m in model.modules():
            if isinstance(m, nn.modules.batchnorm._BatchNorm):
                m.reset_running_stats()
                m.momentum = None  # cumulative average over the calibration batch
        model.train()
        with torch.no_grad():
            model.encoder(preprocess(args.check_images, args.image_size, args.mean, args.std))
        model.eval()
    scripted = torch.jit.script(model)
    scripted.save(args.out)
    print("wrote %s (resnet-%d, %d/%d, vocab %d, %dpx)"
          % (args.out, args.resnet, args.embed, args.hidden, len(words), args.image_size))

    if args.check_images:
        if not args.check_out:
            ap.error("--check-images needs --check-out")
        module = torch.jit.load(args.out)
        images = preprocess(args.check_images, module.image_size, module.mean, module.std)
        with torch.no_grad():
            tokens, log_prob = module.generate(images, args.max_len)
        vocab = list(module.vocab)
        end, pad = vocab.index("<end>"), vocab.index("<pad>")
        records = []
        for i, path in enumerate(args.check_images):
            row = tokens[i].tolist()
            ids = []
            for t in row:
                if t == end or t == pad:
                    break
                ids.append(t)
            records.append({"image": path, "tokens": ids, "row": row,
                            "log_prob": float(log_prob[i]), "text": " ".join(vocab[t] for t in ids)})
        with open(args.check_out, "w") as f:
            json.dump({"image_size": module.image_size, "max_len": args.max_len, "images": records}, f,
                      indent=1)
        print("wrote %s (%d images)" % (args.check_out, len(records)))


if __name__ == "__main__":
    main()
