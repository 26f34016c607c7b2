#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys

from bigpicture.startup import run_or_explain


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bigpicture.settings")
    from django.core.management import execute_from_command_line

    run_or_explain(lambda: execute_from_command_line(sys.argv))


if __name__ == "__main__":
    main()
