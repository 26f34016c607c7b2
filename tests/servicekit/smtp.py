"""A tiny SMTP server on loopback, in a thread, for the outbox tests (no aiosmtpd needed).

    with smtp_server() as server:           # accepts every message
        server.refuse = True                 # answers MAIL FROM with 451 (a temporary failure)
        server.gate.clear()                  # holds every DATA until gate.set()
        server.messages                      # [(sender, [recipients], data bytes)]
"""

from __future__ import annotations

import socketserver
import threading
from contextlib import contextmanager


class _Handler(socketserver.StreamRequestHandler):
    def _reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())
        self.wfile.flush()

    def handle(self) -> None:
        server: SMTPServer = self.server.smtp  # type: ignore[attr-defined]
        sender, recipients = "", []
        self._reply("220 test SMTP ready")
        for raw in self.rfile:
            command = raw.decode(errors="replace").strip()
            verb = command[:4].upper()
            if verb in ("EHLO", "HELO"):
                self._reply("250 test")
            elif verb == "MAIL":
                if server.refuse:
                    self._reply("451 4.3.0 mailbox busy, try again later")
                    continue
                sender, recipients = command[10:].strip("<> "), []
                self._reply("250 OK")
            elif verb == "RCPT":
                recipients.append(command[8:].strip("<> "))
                self._reply("250 OK")
            elif verb == "DATA":
                self._reply("354 end with <CRLF>.<CRLF>")
                lines = []
                for data_line in self.rfile:
                    if data_line in (b".\r\n", b".\n"):
                        break
                    lines.append(data_line)
                server.arrived.set()
                server.gate.wait(timeout=60)
                with server.lock:
                    server.messages.append((sender, recipients, b"".join(lines)))
                self._reply("250 OK queued")
            elif verb == "QUIT":
                self._reply("221 bye")
                return
            else:  # RSET, NOOP and anything else
                self._reply("250 OK")


class _TCPServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


class SMTPServer:
    def __init__(self) -> None:
        self.refuse = False
        self.gate = threading.Event()
        self.gate.set()
        self.arrived = threading.Event()  # set when a message's data has come in (before the gate)
        self.lock = threading.Lock()
        self.messages: list[tuple[str, list[str], bytes]] = []
        self._server = _TCPServer(("127.0.0.1", 0), _Handler)
        self._server.smtp = self  # type: ignore[attr-defined]
        self.port = self._server.server_address[1]

    def start(self) -> SMTPServer:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.gate.set()
        self._server.shutdown()
        self._server.server_close()


@contextmanager
def smtp_server():
    server = SMTPServer().start()
    try:
        yield server
    finally:
        server.stop()
