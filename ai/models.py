"""Model registry, model cards and inference jobs."""
