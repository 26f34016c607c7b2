"""`bigpicture-upload`: the bulk uploader for MetaFleX bundles (see ingestion/PROTOCOL.md).

It validates a bundle with the portal's own validator (`metaflex`), then uploads
every file with the submission API: N files in parallel, one part in flight per
file, resumable, and checked end to end against the metadata's SHA-256.
"""

__version__ = "0.1.0"
