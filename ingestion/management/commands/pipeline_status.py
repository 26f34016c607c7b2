"""`pipeline_status`: counts of pipeline steps by state, the stuck ones, and the failed ones.

    python manage.py pipeline_status [--stuck-minutes N] [--requeue]
"""

from django.core.management.base import BaseCommand

from ingestion.models import PipelineStep
from ingestion.pipeline.maintenance import pipeline_counts, stuck_requeue, stuck_steps
from ingestion.pipeline.steps import STEPS


class Command(BaseCommand):
    help = "Show the processing pipeline's steps by state, stuck work and failures; --requeue re-queues stuck work."

    def add_arguments(self, parser):
        parser.add_argument("--stuck-minutes", type=int, default=None,
                            help="stuck after this many minutes (default PIPELINE_STUCK_MINUTES)")
        parser.add_argument("--requeue", action="store_true", help="queue the stuck steps again")

    def handle(self, *args, stuck_minutes=None, requeue=False, **options):
        counts = pipeline_counts()
        states = sorted({state for by_state in counts.values() for state in by_state})
        self.stdout.write("step".ljust(12) + "".join(state.rjust(10) for state in states))
        for step in STEPS:
            row = counts.get(step.name, {})
            self.stdout.write(step.name.ljust(12) + "".join(str(row.get(state, 0)).rjust(10) for state in states))
        stuck = list(stuck_steps(minutes=stuck_minutes))
        self.stdout.write(f"\nstuck: {len(stuck)}")
        for step in stuck:
            self.stdout.write(f"  {_describe(step)}  {step.get_state_display().lower()} since "
                              f"{(step.started_at or step.queued_at):%Y-%m-%d %H:%M} UTC")
        failed = PipelineStep.objects.filter(state="failed").select_related("file", "job").order_by("-finished_at")
        self.stdout.write(f"\nfailed: {failed.count()}")
        for step in failed[:50]:
            self.stdout.write(f"  {_describe(step)}  [{step.failure}] {step.message}")
        if requeue:
            self.stdout.write(f"\nre-queued: {stuck_requeue(minutes=stuck_minutes)}")


def _describe(step: PipelineStep) -> str:
    subject = step.file.path if step.file_id else f"IMAGE {step.job.image_alias}"
    return f"#{step.pk} {step.name} of {subject}"
