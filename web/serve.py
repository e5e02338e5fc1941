#!/usr/bin/env python3
"""Serves a built site the way a good static host does: each file's precompressed copy
(`.br` for brotli, `.gz` for gzip) when the browser accepts it, with `Content-Encoding`,
`Vary: Accept-Encoding` and the original's content type; the plain file otherwise.

Usage: serve.py DIR PORT [PREFIX]   (PREFIX: serve DIR under a sub-path, e.g. /autochitect/)
"""
import http.server
import mimetypes
import os
import sys
import urllib.parse

ROOT = os.path.abspath(sys.argv[1])
PORT = int(sys.argv[2])
PREFIX = sys.argv[3] if len(sys.argv) > 3 else "/"
TYPES = {".wasm": "application/wasm", ".js": "text/javascript", ".ron": "text/plain; charset=utf-8",
         ".md": "text/markdown; charset=utf-8", ".html": "text/html; charset=utf-8",
         ".svg": "image/svg+xml", ".ttf": "font/ttf"}


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_HEAD(self):
        self.serve(head=True)

    def do_GET(self):
        self.serve(head=False)

    def serve(self, head):
        path = urllib.parse.urlsplit(self.path).path
        if not path.startswith(PREFIX):
            return self.send_error(404)
        rel = urllib.parse.unquote(path[len(PREFIX):]) or "index.html"
        if rel.endswith("/"):
            rel += "index.html"
        full = os.path.abspath(os.path.join(ROOT, rel))
        if not full.startswith(ROOT + os.sep) or not os.path.isfile(full):
            return self.send_error(404)
        accepted = [e.split(";")[0].strip() for e in self.headers.get("Accept-Encoding", "").split(",")]
        encoding, body_path = None, full
        for enc, ext in (("br", ".br"), ("gzip", ".gz")):
            if enc in accepted and os.path.isfile(full + ext):
                encoding, body_path = enc, full + ext
                break
        ext = os.path.splitext(full)[1]
        ctype = TYPES.get(ext) or mimetypes.guess_type(full)[0] or "application/octet-stream"
        with open(body_path, "rb") as f:
            body = f.read()
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Uncompressed-Length", str(os.path.getsize(full)))
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Cache-Control", "no-cache")
        if encoding:
            self.send_header("Content-Encoding", encoding)
        self.end_headers()
        if not head:
            self.wfile.write(body)


http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
