"""`python -m bigpicture_upload` runs the console script."""

from .cli import main

raise SystemExit(main())
