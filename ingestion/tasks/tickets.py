"""Ingestion tasks: tickets."""
