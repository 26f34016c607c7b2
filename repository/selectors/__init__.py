"""Reads for the repository, one module per concept."""
