"""Which function does each step's work (looked up when a step runs)."""

from ingestion.pipeline import file_steps, image_steps

STEP_WORK = {**file_steps.WORK, **image_steps.WORK}
