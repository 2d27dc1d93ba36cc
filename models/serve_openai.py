#!/usr/bin/python3
"""Serve a TorchScript captioner of gloss's contract (models/README.md,
"TorchScript contract") over the OpenAI chat completions protocol, the same
protocol as Ollama, llama.cpp's server and vLLM, so that gloss (or anything
else) can use it as an endpoint model. Python's standard library and Debian's
python3-torch only.

  /usr/bin/python3 models/serve_openai.py models/tutorial.pt --port 8080
  # then a model file for gloss, e.g. tutorial-server.json:
  #   {"kind": "openai-chat", "url": "http://127.0.0.1:8080/v1", "model": "tutorial"}

POST /v1/chat/completions takes the last user message's image (a data URI in
an "image_url" part; the text part is ignored: a CNN-LSTM has no prompt) and
replies with choices[0].message.content. With "logprobs": true the reply
carries choices[0].logprobs.content: one entry per word and one (token "")
for the end of the caption. The module gives only the caption's total
log-probability, so each entry holds total / entries: the mean, which is what
gloss's confidence uses, is exact; the single values are not.

--delay S waits S seconds per request (outside the model lock), to stand in
for a slow remote model in tests and benchmarks. The first line on stdout is
"serving NAME on http://HOST:PORT/v1" (with --port 0 the OS picks the port).
"""
import argparse
import base64
import io
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_torchscript import preprocess  # noqa: E402  gloss's preprocessing, bit for bit

SPECIAL = {"<pad>", "<start>", "<end>", "<unk>"}


class Model:
    def __init__(self, path: str, max_len: int):
        self.module = torch.jit.load(path, map_location="cpu").eval()
        self.vocab = list(self.module.vocab)
        self.max_len = max_len
        self.lock = threading.Lock()  # one forward pass at a time

    def caption(self, jpeg: bytes):
        images = preprocess([io.BytesIO(jpeg)], self.module.image_size, list(self.module.mean), list(self.module.std))
        with self.lock, torch.no_grad():
            tokens, log_probs = self.module.generate(images, self.max_len)
        words = []
        for t in tokens[0].tolist():
            word = self.vocab[t]
            if word == "<end>" or word == "<pad>":
                break
            if word not in SPECIAL:
                words.append(word)
        return words, float(log_probs[0])


def image_of(request: dict) -> bytes:
    """The JPEG/PNG bytes of the last user message's image_url data URI."""
    for message in reversed(request.get("messages", [])):
        content = message.get("content")
        if message.get("role") != "user" or not isinstance(content, list):
            continue
        for part in content:
            if isinstance(part, dict) and part.get("type") == "image_url":
                url = part.get("image_url", {}).get("url", "")
                if not url.startswith("data:") or ";base64," not in url:
                    raise ValueError("image_url must be a base64 data URI")
                return base64.b64decode(url.split(";base64,", 1)[1], validate=True)
    raise ValueError("no image_url in the last user message")


def completion(name: str, words, log_prob: float, want_logprobs: bool) -> dict:
    choice = {"index": 0, "message": {"role": "assistant", "content": " ".join(words)}, "finish_reason": "stop"}
    if want_logprobs:
        entries = words + [""]
        each = log_prob / len(entries)
        choice["logprobs"] = {"content": [{"token": w, "logprob": each} for w in entries]}
    return {"id": "chatcmpl-gloss", "object": "chat.completion", "created": int(time.time()), "model": name,
            "choices": [choice], "usage": {"prompt_tokens": 0, "completion_tokens": len(words) + 1}}


def make_handler(model: Model, name: str, delay: float):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def reply(self, status: int, body: dict):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            if self.path.rstrip("/") == "/v1/models":
                return self.reply(200, {"object": "list", "data": [{"id": name, "object": "model"}]})
            self.reply(404, {"error": {"message": "not found: " + self.path}})

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if self.path.rstrip("/") != "/v1/chat/completions":
                return self.reply(404, {"error": {"message": "not found: " + self.path}})
            try:
                request = json.loads(body)
                jpeg = image_of(request)
            except (ValueError, json.JSONDecodeError) as e:
                return self.reply(400, {"error": {"message": str(e)}})
            if delay > 0:
                time.sleep(delay)
            try:
                words, log_prob = model.caption(jpeg)
            except Exception as e:  # an image the model cannot read: say so, keep serving
                return self.reply(400, {"error": {"message": "cannot caption this image: %s" % e}})
            self.reply(200, completion(name, words, log_prob, bool(request.get("logprobs"))))

        def log_message(self, fmt, *args):
            if os.environ.get("GLOSS_SERVE_LOG"):
                super().log_message(fmt, *args)

    return Handler


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model", help="TorchScript module of gloss's contract (.pt)")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8080, help="0: any free port")
    ap.add_argument("--name", help="model name in replies (default: the file's stem)")
    ap.add_argument("--delay", type=float, default=0.0, help="seconds to wait per request")
    ap.add_argument("--max-len", type=int, default=20)
    ap.add_argument("--threads", type=int, default=1, help="torch threads")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    name = args.name or os.path.splitext(os.path.basename(args.model))[0]
    model = Model(args.model, args.max_len)
    server = ThreadingHTTPServer((args.host, args.port), make_handler(model, name, args.delay))
    server.daemon_threads = True
    print("serving %s on http://%s:%d/v1" % (name, args.host, server.server_address[1]), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
