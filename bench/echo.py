"""The raw broker baseline's far end: echo each message from one queue to another.

Plain kombu on the portal's own broker connection (same URL and transport
options as Celery), so the difference to a Celery round trip is Celery itself.
Run as `python -m bench.echo <requests-queue> <replies-queue>`; SIGTERM or the
parent's exit ends it.
"""

from __future__ import annotations

import os
import sys

from bigpicture.celery import app


def main(argv: list[str]) -> int:
    requests_name, replies_name = argv
    parent = os.getppid()
    with app.connection_for_write() as conn:
        requests = conn.SimpleQueue(requests_name)
        replies = conn.SimpleQueue(replies_name)
        while True:
            try:
                message = requests.get(block=True, timeout=1)
            except requests.Empty:
                if os.getppid() != parent:  # orphaned: the benchmark is gone
                    return 0
                continue
            body = message.payload
            message.ack()
            replies.put(body)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
