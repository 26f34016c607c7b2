"""Gunicorn settings for the portal's web container (`deploy/entrypoint.sh web`).

Change any of them without rebuilding the image through gunicorn's own
GUNICORN_CMD_ARGS, e.g. GUNICORN_CMD_ARGS="--workers 8 --timeout 120".
Gunicorn listens on plain HTTP; TLS ends at the reverse proxy in front, which
must set X-Forwarded-Proto (settings.SECURE_PROXY_SSL_HEADER).
"""

import gc
import os

bind = "0.0.0.0:8000"

# Threads let one process serve the slide viewer's many small tile requests
# while others wait on the database or object storage. Each thread may hold a
# database connection (CONN_MAX_AGE), so workers x threads counts towards
# PostgreSQL's max_connections.
worker_class = "gthread"
_cpus = len(os.sched_getaffinity(0))
workers = int(os.environ.get("WEB_CONCURRENCY") or max(2, min(_cpus, 8)))
threads = 4

# Load the application once in the master: a broken configuration stops the
# container with one clear error instead of a loop of failing workers.
preload_app = True


def pre_fork(server, worker):
    # The preloaded application's objects (about 250,000) move to the permanent generation: a worker's
    # full collections no longer walk them (measured on the tile server: pauses of about 280 ms became
    # about 50 ms, which stall every thread of the worker), and their pages stay shared after fork.
    gc.freeze()


timeout = 60
graceful_timeout = 30
keepalive = 5  # behind a reverse proxy that reuses connections

# Recycle workers now and then so memory held by image libraries cannot creep. A viewer asks tens of
# tiles a second, so this counts in tens of thousands: each recycled worker drops its open slides and
# tile cache (both bounded, TILE_SLIDE_HANDLES and TILE_CACHE_BYTES) and makes them again.
max_requests = 50_000
max_requests_jitter = 5_000

# The heartbeat file on tmpfs: an overlay filesystem can stall it under load.
worker_tmp_dir = "/dev/shm"

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "INFO").lower()
access_log_format = '%(h)s "%({x-forwarded-for}i)s" "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
