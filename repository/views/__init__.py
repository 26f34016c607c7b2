"""Public repository pages, one module per page family."""
