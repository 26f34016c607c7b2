#!/bin/sh
# Create the secret files that docker-compose.yml hands to the containers as
# docker secrets (/run/secrets/<name>). Run once before the first
# `docker compose up`, and again after an upgrade that adds a secret; a file that
# exists already is kept, never overwritten.
#
#   deploy/make-secrets.sh            # writes deploy/secrets/*
#
# The folder is private to you (0700); the files in it are world-readable
# (0644) so that the portal's non-root user (uid 10001) can read them once they
# are mounted into a container. Keep deploy/secrets/ out of version control
# (its .gitignore does) and in your backups.
#
# postgres_password only takes effect when PostgreSQL initialises an empty data
# volume; to change it later, ALTER ROLE in the database and edit both
# postgres_password and database_url.
set -eu

dir="$(cd "$(dirname "$0")" && pwd)/secrets"
mkdir -p "$dir"
chmod 0700 "$dir"

random() {
    # 48 random bytes, URL-safe base64 (64 characters): usable inside a URL.
    head -c 48 /dev/urandom | base64 | tr -d '\n' | tr '+/' '-_'
}

put() {
    name="$1"
    value="$2"
    if [ -s "$dir/$name" ]; then
        echo "kept     deploy/secrets/$name"
    else
        (umask 022 && printf '%s\n' "$value" > "$dir/$name")
        echo "created  deploy/secrets/$name"
    fi
}

put django_secret_key "$(random)"
put postgres_password "$(random)"
read -r db_password < "$dir/postgres_password"
put database_url "postgres://portal:$db_password@postgres:5432/portal"
put minio_root_password "$(random)"
put s3_secret_key "$(random)"
put healthz_token "$(random)"
