"""Ingestion tasks: uploads."""
