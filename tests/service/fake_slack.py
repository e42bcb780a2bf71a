"""A fake Slack Web API on 127.0.0.1 that records every call (auth.test, chat.postMessage)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


class FakeSlack:
    def __init__(self):
        self.calls: list[tuple[str, dict]] = []
        calls = self.calls

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("content-length", 0))
                raw = self.rfile.read(length).decode()
                if self.headers.get("content-type", "").startswith("application/json"):
                    args = json.loads(raw or "{}")
                else:
                    args = {k: v[0] for k, v in parse_qs(raw).items()}
                method = self.path.rsplit("/", 1)[-1]
                calls.append((method, args))
                reply = {"ok": True}
                if method == "auth.test":
                    reply.update(user_id="UBOT", bot_id="BBOT", team_id="T1", user="stockwise")
                if method == "chat.postMessage":
                    reply.update(channel=args.get("channel"), ts="1700000999.000100")
                body = json.dumps(reply).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def posted(self) -> list[dict]:
        return [args for method, args in self.calls if method == "chat.postMessage"]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
