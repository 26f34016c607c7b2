#!/usr/bin/env bash
# Runs the benchmarks under bench/ (all, or the one named) and regenerates BENCHMARKS.md.
# Services are picked like the tests pick them (see bench/services.py): PostgreSQL
# and Redis on 127.0.0.1 when they answer, else SQLite and the filesystem broker.
set -euo pipefail
cd "$(dirname "$0")/.."

export SECRET_KEY=${SECRET_KEY:-bench-secret-key-not-for-production}
# A fixed key-encryption key for pseudonymisation secrets (never a production one).
export PSEUDONYM_KEK=${PSEUDONYM_KEK:-AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=}
export DEBUG=0 SECURE_SSL_REDIRECT=0 STATIC_MANIFEST=0
# Benchmarks keep their database, broker folder and logs apart from the demo's and the tests'.
export VAR_DIR=${VAR_DIR:-$PWD/var/bench}
export CELERY_BROKER_DIR=${CELERY_BROKER_DIR:-$VAR_DIR/broker}
mkdir -p "$VAR_DIR"

exec .venv/bin/python -m bench.run "$@"
