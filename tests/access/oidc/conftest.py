from tests.servicekit.oidc_provider import oidc_portal, oidc_provider  # noqa: F401  (fixtures)
