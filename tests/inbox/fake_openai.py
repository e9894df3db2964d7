"""A deterministic OpenAI-compatible server on loopback, for the assistant's tests.

The `openai` package speaks httpx, which `responses` does not intercept, so tests run this real HTTP
server instead (stdlib http.server on 127.0.0.1:0, one thread):

- `POST /v1/embeddings`: hashed bag-of-words vectors (DIM floats), so texts sharing words are close.
- `POST /v1/chat/completions`: answers with the context line (after "Context:" in the system message)
  sharing most words with the last user message, or "I don't know." when the context is empty or
  shares no word with it.

`FakeOpenAI.requests` keeps every parsed request body, for assertions.
"""
import hashlib
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DIM = 64
_WORD = re.compile(r"\w+")


def words(text):
    return [w for w in _WORD.findall((text or "").lower()) if len(w) > 2]


def embedding(text):
    vector = [0.0] * DIM
    for word in words(text):
        vector[int(hashlib.blake2b(word.encode(), digest_size=8).hexdigest(), 16) % DIM] += 1.0
    return vector


def answer(messages):
    system = next((m["content"] for m in messages if m["role"] == "system"), "")
    question = next((m["content"] for m in reversed(messages) if m["role"] == "user"), "")
    context = system.split("Context:", 1)[1] if "Context:" in system else ""
    lines = [line.strip() for line in context.splitlines() if line.strip() and line.strip() != "---"]
    asked = set(words(question))
    best = max(lines, key=lambda line: len(asked & set(words(line))), default="")
    if not best or not asked & set(words(best)):
        return "I don't know."
    return best.removeprefix("A: ").strip()


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):  # noqa: N802 - http.server's naming
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
        self.server.owner.requests.append({"path": self.path, "body": body,
                                           "auth": self.headers.get("Authorization")})
        if self.path.endswith("/embeddings") and self.server.owner.fail_embeddings:
            return self._send(500, {"error": {"message": self.server.owner.fail_embeddings, "type": "server_error"}})
        if self.path.endswith("/embeddings"):
            inputs = body["input"] if isinstance(body["input"], list) else [body["input"]]
            data = [{"object": "embedding", "index": i, "embedding": embedding(t)} for i, t in enumerate(inputs)]
            reply = {"object": "list", "data": data, "model": body.get("model"),
                     "usage": {"prompt_tokens": 1, "total_tokens": 1}}
        elif self.path.endswith("/chat/completions"):
            if self.server.owner.fail_chat:
                return self._send(500, {"error": {"message": "fake failure", "type": "server_error"}})
            reply = {"id": "chatcmpl-fake", "object": "chat.completion", "created": 0, "model": body.get("model"),
                     "choices": [{"index": 0, "finish_reason": "stop",
                                  "message": {"role": "assistant", "content": answer(body["messages"])}}],
                     "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}
        else:
            return self._send(404, {"error": {"message": "not found"}})
        return self._send(200, reply)

    def _send(self, status, payload):
        raw = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)


class FakeOpenAI:
    def __init__(self):
        self.requests = []
        self.fail_chat = False
        self.fail_embeddings = ""  # when set, /embeddings answers 500 with this text as the error message
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()
