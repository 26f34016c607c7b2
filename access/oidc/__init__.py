"""Life Science AAI login (OIDC): discovery, ID-token checks, claims, and inbound GA4GH visas."""
