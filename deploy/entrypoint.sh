#!/bin/sh
# Entrypoint of the portal image: one image, one subcommand per role.
#
#   web                   gunicorn bigpicture.wsgi with deploy/gunicorn.conf.py
#   worker QUEUES [ARGS]  a Celery worker consuming QUEUES (comma-separated), e.g. "ingest,scan";
#                         ARGS go to `celery worker` (e.g. --max-memory-per-child=2000000)
#   beat                  the Celery beat scheduler (run exactly one)
#   migrate               `check --deploy` (warnings fail) then `migrate`; a one-shot job
#   manage ARGS           python manage.py ARGS, e.g. `manage verify_audit_log`
#   anything else         run as a command, e.g. `bash`
set -eu

cd /app

# The queues declared in bigpicture/celery.py (QUEUES). A misspelt queue would be
# consumed by nobody, so refuse it here rather than start a worker that idles.
KNOWN_QUEUES="default ingest convert scan ai"

usage() {
    sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit "${1:-64}"
}

check_queues() {
    for queue in $(printf '%s' "$1" | tr ',' ' '); do
        case " $KNOWN_QUEUES " in
            *" $queue "*) ;;
            *) echo "entrypoint: unknown queue '$queue' (expected some of: $KNOWN_QUEUES)" >&2; exit 64 ;;
        esac
    done
}

[ "$#" -gt 0 ] || set -- web
command="$1"
shift

case "$command" in
    web)
        exec gunicorn bigpicture.wsgi:application --config /app/deploy/gunicorn.conf.py "$@"
        ;;
    worker)
        [ "$#" -gt 0 ] || usage
        queues="$1"
        shift
        check_queues "$queues"
        # The node name (e.g. ingest-scan@<container>) tells workers apart in
        # `celery inspect` and lets deploy/healthcheck.py find its own worker.
        exec celery --app bigpicture.celery worker \
            --queues "$queues" \
            --hostname "$(printf '%s' "$queues" | tr ',' '-')@%h" \
            --loglevel "${LOG_LEVEL:-INFO}" \
            "$@"
        ;;
    beat)
        # The schedule file lives in VAR_DIR, which compose keeps on a volume.
        exec celery --app bigpicture.celery beat \
            --schedule "${VAR_DIR:-/var/lib/portal}/celerybeat-schedule" \
            --loglevel "${LOG_LEVEL:-INFO}" \
            "$@"
        ;;
    migrate)
        python manage.py check --deploy --fail-level WARNING
        exec python manage.py migrate --noinput "$@"
        ;;
    manage)
        exec python manage.py "$@"
        ;;
    help|-h|--help)
        usage 0
        ;;
    *)
        exec "$command" "$@"
        ;;
esac
