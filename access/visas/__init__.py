"""Outbound GA4GH visas: signing keys (keys), one signed visa (signing), a user's passport (passport)."""
