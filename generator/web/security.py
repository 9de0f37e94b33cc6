"""The guards in front of every route: Host allow-list, Origin check, CSRF token, headers.

The server binds to 127.0.0.1, but a page on any web site can still make the
browser send requests there. Three checks stop that:

* **Host allow-list** (DNS rebinding): a hostile name that resolves to
  127.0.0.1 arrives with its own name in ``Host``; only 127.0.0.1, localhost,
  [::1] and an explicit ``--host`` are served.
* **Origin**: a POST whose ``Origin`` (or, lacking it, ``Referer``) is not this
  server is refused, whatever else it carries.
* **CSRF token**: every POST carries ``X-CSRF-Token``, an HMAC of the session
  cookie under a per-process secret. A cross-site page can neither read the
  cookie nor the token, so it cannot forge one.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Iterable
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
SESSION_COOKIE = "speechgen_session"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

HEADERS = [
    (b"content-security-policy",
     b"default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
     b"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
     b"form-action 'self'; frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]


def host_name(value: str) -> str:
    """``[::1]:8765`` → ``::1``; ``LocalHost:80`` → ``localhost``; malformed → ''."""
    value = value.strip().lower()
    if value.startswith("["):
        end = value.find("]")
        if end < 0 or (value[end + 1:] and not value[end + 1:].startswith(":")):
            return ""
        return value[1:end]
    name, _, port = value.partition(":")
    if port and not port.isdigit():
        return ""
    return name.rstrip(".")


class Tokens:
    """Per-process secret; a token is bound to one browser's session cookie."""

    def __init__(self) -> None:
        self.secret = secrets.token_bytes(32)

    @staticmethod
    def new_session() -> str:
        return secrets.token_urlsafe(24)

    def token(self, session: str) -> str:
        return hmac.new(self.secret, session.encode("ascii", "replace"), hashlib.sha256).hexdigest()

    def valid(self, session: str, token: str) -> bool:
        return bool(session and token) and hmac.compare_digest(self.token(session), token)


def _headers(scope) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in scope.get("headers", []):
        out.setdefault(key.decode("latin-1").lower(), value.decode("latin-1"))
    return out


def session_of(headers: dict[str, str]) -> str:
    raw = headers.get("cookie", "")
    if not raw:
        return ""
    try:
        cookie = SimpleCookie(raw)
    except Exception:  # a malformed Cookie header is just "no session"
        return ""
    morsel = cookie.get(SESSION_COOKIE)
    return morsel.value if morsel else ""


class Guard:
    """ASGI middleware: refuse foreign hosts and forged POSTs; add security headers."""

    def __init__(self, app, tokens: Tokens, extra_hosts: Iterable[str] = ()):
        self.app = app
        self.tokens = tokens
        self.allowed = {h.lower() for h in LOCAL_HOSTS} | {host_name(h) or h.lower() for h in extra_hosts}

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = _headers(scope)
        host = headers.get("host", "")
        if host_name(host) not in self.allowed:
            return await _refuse(send, 400, "拒绝访问：请用 http://127.0.0.1 打开本页面（Host 不在允许列表中）。")
        method = scope["method"].upper()
        if method not in SAFE_METHODS:
            origin = headers.get("origin") or headers.get("referer")
            if origin is not None and not _same_origin(origin, host):
                return await _refuse(send, 403, "拒绝请求：请求来自其他网站（Origin 不符）。")
            session = session_of(headers)
            if not self.tokens.valid(session, headers.get(CSRF_HEADER, "")):
                return await _refuse(send, 403, "缺少或无效的安全令牌（CSRF），请刷新页面后重试。")

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *HEADERS]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _same_origin(origin: str, host: str) -> bool:
    if origin == "null":
        return False
    try:
        parts = urlsplit(origin)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and parts.netloc.lower() == host.strip().lower()


async def _refuse(send, status: int, message: str) -> None:
    body = json.dumps({"error": message}, ensure_ascii=False).encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()), *HEADERS]})
    await send({"type": "http.response.body", "body": body})
