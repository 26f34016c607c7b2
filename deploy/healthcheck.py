"""Container health checks, run by docker-compose.yml.

    python deploy/healthcheck.py web             GET /healthz on this container's gunicorn; with
                                                 HEALTHZ_TOKEN set it sends it and gets the deep
                                                 checks (storage probe included), else the status
    python deploy/healthcheck.py worker QUEUES   ping the worker `entrypoint.sh worker QUEUES`
                                                 started in this container

Exit 0 when healthy, 1 otherwise; what is printed lands in `docker inspect`.
"""

from __future__ import annotations

import socket
import sys
import urllib.error
import urllib.request


def _clip(body: bytes, limit: int = 1000) -> str:
    text = body.decode(errors="replace")
    return text if len(text) <= limit else text[:limit] + "..."


def _host_header() -> str:
    """A name Django accepts: the first ALLOWED_HOSTS entry, read as settings read it."""
    from bigpicture.env import env_list

    hosts = env_list("ALLOWED_HOSTS", ["localhost"])
    host = hosts[0] if hosts else "localhost"
    if host == "*":
        return "localhost"
    return host.lstrip(".")  # ".example.org" also matches "example.org"


def _token_header() -> dict[str, str]:
    from bigpicture.env import env_str

    token = env_str("HEALTHZ_TOKEN", "")
    return {"X-Healthz-Token": token} if token else {}


def check_web(port: int = 8000, timeout: float = 15.0) -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/healthz",
        headers={
            "Host": _host_header(),
            # As the TLS proxy would: without it SECURE_SSL_REDIRECT answers 301.
            "X-Forwarded-Proto": "https",
            **_token_header(),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            print(_clip(response.read()))
            return 0 if response.status == 200 else 1
    except urllib.error.HTTPError as exc:  # 503 carries the failing checks
        print(f"HTTP {exc.code}: {_clip(exc.read())}")
    except OSError as exc:
        print(f"no answer from gunicorn: {exc}")
    return 1


def check_worker(queues: str, timeout: float = 10.0) -> int:
    """Ping the worker that `entrypoint.sh worker QUEUES` started in this container."""
    from bigpicture.celery import app

    node = f"{queues.replace(',', '-')}@{socket.gethostname()}"
    replies = app.control.ping(destination=[node], timeout=timeout, limit=1)
    if any(node in reply for reply in replies):
        print(f"pong from {node}")
        return 0
    print(f"{node} did not answer a ping through the broker within {timeout:g} s")
    return 1


def main(argv: list[str]) -> int:
    if argv[1:] == ["web"]:
        return check_web()
    if len(argv) == 3 and argv[1] == "worker":
        return check_worker(argv[2])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
