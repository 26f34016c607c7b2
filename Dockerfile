# syntax=docker/dockerfile:1
#
# The Bigpicture portal image: one image for every role (web, worker, beat,
# migrate), chosen by the first argument of deploy/entrypoint.sh.
#
#   docker build -t bigpicture-portal .
#   docker run --rm bigpicture-portal help

ARG PYTHON_IMAGE=python:3.11-slim-bookworm
ARG NODE_IMAGE=node:22-bookworm-slim

# --- front-end packages ------------------------------------------------------
# `npm ci` runs the postinstall step (scripts/copy_vendor.mjs), which copies the
# few files the portal serves into static/vendor/. Only that folder leaves this
# stage: the final image has no node, no npm and no node_modules.
FROM ${NODE_IMAGE} AS frontend
WORKDIR /src
COPY package.json package-lock.json ./
COPY scripts/copy_vendor.mjs scripts/
RUN --mount=type=cache,target=/root/.npm \
    npm ci --no-audit --no-fund

# --- the portal --------------------------------------------------------------
FROM ${PYTHON_IMAGE}

LABEL org.opencontainers.image.title="Bigpicture portal" \
      org.opencontainers.image.description="Whole-slide-image pathology portal: web, Celery workers and beat" \
      org.opencontainers.image.licenses="Apache-2.0"

# libturbojpeg0: JPEG tiles through PyTurboJPEG (opentile, wsidicom).
# tini: PID 1 that forwards signals and reaps zombies.
# hadolint ignore=DL3008
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libturbojpeg0 \
        tini \
    && rm -rf /var/lib/apt/lists/*

# A fixed uid/gid, so that volumes and secret files can be granted to it.
RUN groupadd --system --gid 10001 portal \
    && useradd --system --uid 10001 --gid portal --home-dir /var/lib/portal \
        --no-create-home --shell /usr/sbin/nologin portal

ENV VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VAR_DIR=/var/lib/portal \
    STATIC_ROOT=/app/staticfiles

RUN python -m venv "$VIRTUAL_ENV"
WORKDIR /app

# Dependencies first, read from pyproject.toml: this layer is rebuilt only when
# pyproject.toml changes, not on every code change.
COPY pyproject.toml ./
RUN --mount=type=cache,target=/root/.cache/pip \
    python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY . .
COPY --from=frontend /src/static/vendor static/vendor

# The project itself, installed from pyproject.toml in editable mode: settings
# find templates/ and static/ next to the code (BASE_DIR), so the code runs from
# /app rather than from a wheel copied into site-packages. Static files are
# collected at build time (the dummy key exists only for this command) and served
# by WhiteNoise from STATIC_ROOT with hashed names.
RUN --mount=type=cache,target=/root/.cache/pip \
    pip install --no-deps --editable . \
    && SECRET_KEY=collectstatic-at-build-time-only python manage.py collectstatic --noinput --verbosity 0 \
    && python -m compileall -q bigpicture access ai governance ingestion repository deploy \
    && chmod 0755 deploy/entrypoint.sh \
    && install -d -o portal -g portal -m 0750 "$VAR_DIR"

USER 10001:10001
EXPOSE 8000
ENTRYPOINT ["tini", "--", "/app/deploy/entrypoint.sh"]
CMD ["web"]
