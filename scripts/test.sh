#!/usr/bin/env bash
# Runs lint, the migration check and the whole test suite.
# Uses PostgreSQL and Redis on 127.0.0.1 when they answer; otherwise falls back
# to SQLite and the filesystem broker and says so. With CI=true it fails instead.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

reachable() {  # host port
  $PY - "$1" "$2" <<'PY'
import socket, sys
try:
    socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=1).close()
except OSError:
    sys.exit(1)
PY
}

ci=${CI:-false}
if [ -z "${DATABASE_URL:-}" ]; then
  if reachable 127.0.0.1 5432; then
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/bigpicture
    echo "tests: PostgreSQL at 127.0.0.1:5432"
  elif [ "$ci" = "true" ]; then
    echo "tests: PostgreSQL is not reachable at 127.0.0.1:5432 and CI=true" >&2; exit 1
  else
    echo "tests: PostgreSQL not reachable; falling back to SQLite (postgres-marked tests are skipped)"
  fi
fi
if [ -z "${CELERY_BROKER_URL:-}" ]; then
  if reachable 127.0.0.1 6379; then
    export CELERY_BROKER_URL=redis://127.0.0.1:6379/14
    echo "tests: Redis at 127.0.0.1:6379"
  elif [ "$ci" = "true" ]; then
    echo "tests: Redis is not reachable at 127.0.0.1:6379 and CI=true" >&2; exit 1
  else
    echo "tests: Redis not reachable; falling back to the filesystem broker (redis-marked tests are skipped)"
  fi
fi

export SECRET_KEY=${SECRET_KEY:-test-secret-key-not-for-production}
# A fixed key-encryption key for pseudonymisation secrets (never a production one).
export PSEUDONYM_KEK=${PSEUDONYM_KEK:-AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=}
export DEBUG=0 SECURE_SSL_REDIRECT=0 STATIC_MANIFEST=0
export VAR_DIR=${VAR_DIR:-$PWD/var/test}
export CELERY_BROKER_DIR=$VAR_DIR/broker
mkdir -p "$VAR_DIR/staticfiles"

echo "tests: ruff"
.venv/bin/ruff check .
echo "tests: migrations"
$PY manage.py makemigrations --check --dry-run >/dev/null || {
  echo "tests: models changed without a migration; run: python manage.py makemigrations" >&2; exit 1; }
echo "tests: pytest"
exec .venv/bin/pytest "$@"
