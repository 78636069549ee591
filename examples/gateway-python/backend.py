"""A chat backend for lifeline-ws gateway, in Python's standard library only.

The gateway asks it who connects (POST /lifeline/connect) and forwards the
clients' calls (POST /lifeline/rpc/<method>); it pushes to the clients
through the gateway's server API (/api/publish, /api/notify, /api/disconnect).

    GATEWAY_API=http://127.0.0.1:8081 LIFELINE_API_KEY=... python3 backend.py [port]

Prints {"port": N} once listening (port 0: any free port). GET /debug/log
shows what it received, for the tests and for watching it work.
"""

import json
import os
import sys
import threading
import time
import urllib.error
import urllib.request
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

GATEWAY_API = os.environ.get("GATEWAY_API", "http://127.0.0.1:8080").rstrip("/")
API_KEY = os.environ.get("LIFELINE_API_KEY", "")
GATEWAY_TOKEN = os.environ.get("LIFELINE_BACKEND_TOKEN")

# Who a session cookie belongs to. A real app looks this up in its session table.
SESSIONS = {
    "s-alice": "alice",
    "s-bob": "bob",
    "s-mallory": "mallory",
}
BANNED = {"mallory"}

lock = threading.Lock()
room_lock = threading.Lock()
rooms = {}      # room -> [message]
log = []        # what the backend received, in order


def record(entry):
    with lock:
        log.append(entry)


def gateway(route, body):
    """POST to the gateway's server API; returns its JSON answer."""
    request = urllib.request.Request(
        f"{GATEWAY_API}/api/{route}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {API_KEY}"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())


class RpcError(Exception):
    """Answered as {"error": {"code", "message", "data"}}: the client's call rejects with it."""

    def __init__(self, code, message, data=None):
        super().__init__(message)
        self.code, self.message, self.data = code, message, data


def chat_send(user, params, _request):
    room, text = params.get("room"), params.get("text", "")
    if not isinstance(text, str) or not text.strip():
        raise RpcError(4220, "Empty message", {"field": "text"})
    time.sleep(params.get("delay", 0))  # lets the tests hold a call in flight
    # Published under the lock: the room's order is the order its subscribers see.
    with room_lock:
        messages = rooms.setdefault(room, [])
        message = {"id": len(messages) + 1, "from": user, "text": text}
        published = gateway("publish", {"topic": f"room:{room}", "data": message})
        messages.append(message)
    return {"id": message["id"], "seq": published["seq"]}


def chat_history(_user, params, _request):
    with room_lock:
        return list(rooms.get(params.get("room"), []))


def chat_typing(user, params, _request):
    # A notification: its answer goes nowhere. Tells the other members, one user at a time.
    for other in params.get("to", []):
        gateway("notify", {"user": other, "event": "typing", "params": {"user": user}})
    return None


def dm_send(user, params, _request):
    answer = gateway("notify", {"user": params["to"], "event": "dm", "params": {"from": user, "text": params["text"]}})
    return {"processes": answer["processes"]}


def slow(_user, params, _request):
    time.sleep(params.get("seconds", 2))
    return "late"


def kick(_user, params, _request):
    return gateway("disconnect", {"user": params["user"], "reason": params.get("reason", "Kicked")})


METHODS = {
    "chat.send": chat_send,
    "chat.history": chat_history,
    "chat.typing": chat_typing,
    "dm.send": dm_send,
    "slow": slow,
    "kick": kick,
}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: the gateway reuses its connections
    # Headers and body go out in two writes; with Nagle's algorithm on, the second waits for the
    # gateway's delayed ACK (about 40 ms a call). TCP_NODELAY sends both at once.
    disable_nagle_algorithm = True

    def log_message(self, *_args):
        pass  # quiet: the tests read /debug/log instead

    def answer(self, status, body=None):
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def read_json(self):
        length = int(self.headers.get("Content-Length", 0))
        return json.loads(self.rfile.read(length) or b"{}")

    def do_GET(self):
        if self.path == "/debug/log":
            with lock:
                return self.answer(200, list(log))
        self.answer(404, {"error": "not found"})

    def do_POST(self):
        if GATEWAY_TOKEN is not None and self.headers.get("Lifeline-Gateway-Token") != GATEWAY_TOKEN:
            return self.answer(403, {"reason": "not the gateway"})
        body = self.read_json()
        if self.path == "/lifeline/connect":
            return self.connect(body)
        prefix = "/lifeline/rpc/"
        if self.path.startswith(prefix):
            return self.rpc(self.path[len(prefix):], body)
        self.answer(404, {"error": "not found"})

    def connect(self, body):
        cookie = SimpleCookie(self.headers.get("Cookie", ""))
        session = cookie["session"].value if "session" in cookie else None
        user = SESSIONS.get(session)
        record({"route": "connect", "user": user, "url": body.get("url")})
        if user is None:
            return self.answer(401, {"reason": "Log in first"})
        if user in BANNED:
            return self.answer(403, {"reason": f"{user} is banned"})
        self.answer(200, {"user": user, "topics": ["room:*", f"user:{user}"], "info": {"name": user.title()}})

    def rpc(self, method, body):
        user, params = body.get("user"), body.get("params") or {}
        record({
            "route": "rpc",
            "method": method,
            "user": user,
            "params": body.get("params"),
            "notification": body.get("notification", False),
            "key": self.headers.get("Idempotency-Key"),
        })
        handler = METHODS.get(method)
        if handler is None:
            return self.answer(200, {"error": {"code": -32601, "message": f"Method not found: {method}"}})
        try:
            return self.answer(200, {"result": handler(user, params, body)})
        except RpcError as err:
            return self.answer(200, {"error": {"code": err.code, "message": err.message, "data": err.data}})
        except urllib.error.URLError as err:
            return self.answer(200, {"error": {"code": 5030, "message": f"Gateway API unreachable: {err.reason}"}})


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8000
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    print(json.dumps({"port": server.server_address[1]}), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
