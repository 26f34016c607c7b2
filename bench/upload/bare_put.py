"""The local baseline: a bare WSGI app that streams a PUT body to a file in 1 MiB blocks.

Run under the same gunicorn settings as the portal (`bench.upload.bare_put:application`),
it is what any upload endpoint must at least do: read the body and write it to disk,
fsynced like the portal's part endpoint. The target folder is $BARE_PUT_DIR.
"""

from __future__ import annotations

import os

BLOCK = 1024 * 1024


def application(environ, start_response):
    if environ["REQUEST_METHOD"] != "PUT":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"bare put endpoint\n"]
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"]
    path = os.path.join(os.environ["BARE_PUT_DIR"], "upload.bin")
    written = 0
    with open(path, "wb") as out:
        while written < length:
            block = body.read(min(BLOCK, length - written))
            if not block:
                break
            out.write(block)
            written += len(block)
        out.flush()
        os.fsync(out.fileno())
    os.remove(path)  # only the transfer is measured; the disk is shared
    status = "200 OK" if written == length else "400 Bad Request"
    start_response(status, [("Content-Type", "text/plain")])
    return [f"{written}\n".encode()]
