"""The processing pipeline: Celery steps per uploaded file and per bundle IMAGE (see `steps.STEPS`).

`steps` is the table, `runner` runs one step, `flow` says what follows, `file_steps` and
`image_steps` do the work, `jobs` turns a validated bundle into image jobs, `workdir` is the
local spool, `maintenance` finds stuck work.
"""
