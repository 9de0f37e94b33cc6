"""Run the web app on uvicorn: bind first (clear error if the port is taken), then serve.

Binding the socket ourselves lets ``--port 0`` pick a free port and print the
real address, and turns "address in use" into a Chinese message instead of a
uvicorn traceback. Ctrl+C is uvicorn's graceful shutdown; the app's lifespan
then removes the batch jobs' temporary folders.
"""

from __future__ import annotations

import ipaddress
import socket
import sys
import threading
import webbrowser
from pathlib import Path
from typing import Any

from generator.errors import SpeechgenError
from generator.web.security import LOCAL_HOSTS


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def url_for(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host.strip("[]"), port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        if exc.errno in (98, 48, 10048):  # EADDRINUSE on Linux, macOS, Windows
            raise SpeechgenError(f"端口 {port} 已被占用，请用 --port 换一个端口（如 --port {port + 1}）。") from None
        raise SpeechgenError(f"无法在 {host}:{port} 上启动：{exc.strerror or exc}") from None
    sock.set_inheritable(True)
    return sock


def extra_hosts(host: str) -> tuple[str, ...]:
    """Names the browser may use for a non-loopback --host (all interfaces: this machine's)."""
    if host in LOCAL_HOSTS or is_loopback(host):
        return ()
    names = {host}
    if host in ("0.0.0.0", "::"):
        try:
            name, aliases, addresses = socket.gethostbyname_ex(socket.gethostname())
            names.update([name, *aliases, *addresses])
        except OSError:
            pass
    return tuple(sorted(names))


def quiet_server(config: Any) -> Any:
    """A uvicorn Server that stops gracefully on Ctrl+C/SIGTERM and then simply returns
    (stock uvicorn re-raises the signal afterwards, which prints a traceback)."""
    import contextlib
    import signal

    import uvicorn

    class QuietServer(uvicorn.Server):
        on_ready: Any = None

        async def startup(self, sockets=None):
            await super().startup(sockets)
            if self.started and self.on_ready is not None:
                self.on_ready()  # signal handlers are in place: Ctrl+C from now on stops cleanly

        @contextlib.contextmanager
        def capture_signals(self):
            if threading.current_thread() is not threading.main_thread():
                yield
                return
            wanted = [s for s in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGBREAK", None)) if s]
            previous = {sig: signal.signal(sig, self.handle_exit) for sig in wanted}
            try:
                yield
            finally:
                for sig, handler in previous.items():
                    signal.signal(sig, handler)

    return QuietServer(config)


def serve(host: str = "127.0.0.1", port: int = 8765, open_browser: bool = False,
          library: Any = None, corpus: Path | None = None) -> None:
    import uvicorn

    from generator.check import corpus_folders
    from generator.web.app import create_app

    corpus_folders(corpus)  # a --corpus that does not exist is an error now, not at the first check
    sock = bind(host, port)
    actual = sock.getsockname()[1]
    address = url_for(host, actual)
    if not is_loopback(host):
        print(f"警告：正在 {host} 上提供服务，同一网络中的其他计算机也能打开本页面、看到并生成稿件。"
              "只在可信的内部网络中这样做；涉密材料不得在非涉密计算机上处理。", file=sys.stderr)
    app = create_app(library, extra_hosts(host), corpus)
    config = uvicorn.Config(app, log_level="warning", lifespan="on", access_log=False,
                            server_header=False, date_header=False)
    server = quiet_server(config)

    def ready() -> None:
        print(f"speechgen 网页已启动：{address}", flush=True)
        print("在浏览器中打开上面的地址；按 Ctrl+C 停止。", flush=True)
        if open_browser:
            threading.Thread(target=webbrowser.open, args=(address,), daemon=True).start()

    server.on_ready = ready
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
    print("speechgen 网页已停止。", flush=True)
