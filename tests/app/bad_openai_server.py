#!/usr/bin/python3
"""A deliberately bad OpenAI-compatible server for gloss's endpoint tests.
Standard library only. The first line on stdout is "serving bad on
http://127.0.0.1:PORT/v1" (the OS picks the port unless --port).

--mode:
  slow      waits --delay seconds, then answers "a slow caption"
  500       HTTP 500 with an OpenAI-style error message
  400       HTTP 400 with an OpenAI-style error message
  garbage   HTTP 200 with a body that is not JSON
  nocontent HTTP 200 JSON without choices[0].message.content
  close     closes the connection without replying
  flaky     HTTP 503 for the first --fail requests, then captions
  nologprobs  a caption without logprobs, even when asked for them
--require-key K: HTTP 401 unless the request says "Authorization: Bearer K".
"""
import argparse
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import time


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", required=True,
                    choices=["slow", "500", "400", "garbage", "nocontent", "close", "flaky", "nologprobs"])
    ap.add_argument("--delay", type=float, default=0.0)
    ap.add_argument("--fail", type=int, default=2)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--require-key")
    args = ap.parse_args()
    lock = threading.Lock()
    seen = [0]

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def send(self, status, data: bytes):
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def caption(self, text, logprobs=None):
            choice = {"index": 0, "message": {"role": "assistant", "content": text}}
            if logprobs is not None:
                choice["logprobs"] = {"content": [{"token": "x", "logprob": lp} for lp in logprobs]}
            self.send(200, json.dumps({"choices": [choice]}).encode())

        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with lock:
                seen[0] += 1
                n = seen[0]
            if args.require_key and self.headers.get("Authorization") != "Bearer " + args.require_key:
                return self.send(401, b'{"error": {"message": "invalid API key"}}')
            if args.delay:
                time.sleep(args.delay)
            m = args.mode
            if m == "close":
                self.close_connection = True
                self.connection.shutdown(2)
                return
            if m == "500":
                return self.send(500, b'{"error": {"message": "model crashed: CUDA out of memory"}}')
            if m == "400":
                return self.send(400, b'{"error": {"message": "image too large for this model"}}')
            if m == "garbage":
                return self.send(200, b"<html>502 Bad Gateway</html>")
            if m == "nocontent":
                return self.send(200, b'{"choices": []}')
            if m == "flaky" and n <= args.fail:
                return self.send(503, b'{"error": {"message": "loading model, try again"}}')
            if m == "nologprobs":
                return self.caption("a caption without probabilities")
            self.caption("a slow caption" if m == "slow" else "a caption at last", [-0.1, -0.2, -0.3])

        def log_message(self, fmt, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    print("serving bad on http://127.0.0.1:%d/v1" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
