"""Ingestion tasks: review."""
