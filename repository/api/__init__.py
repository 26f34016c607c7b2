"""The public, read-only metadata API of the repository (`/api/v1/`)."""
