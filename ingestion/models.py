"""Submissions, uploads and ingestion tickets."""
