"""Log in and out: local accounts and Life Science AAI (mounted at the site root by bigpicture.urls)."""

from django.urls import path
from mozilla_django_oidc.views import OIDCLogoutView

from access.views.login import LoginView, OidcCallbackView, OidcLoginStartView

urlpatterns = [
    path("accounts/login/", LoginView.as_view(), name="login"),
    # Ends the portal session, and with it the OIDC state kept in it (no single logout at the issuer).
    path("accounts/logout/", OIDCLogoutView.as_view(), name="logout"),
    path("oidc/authenticate/", OidcLoginStartView.as_view(), name="oidc_authentication_init"),
    path("oidc/callback/", OidcCallbackView.as_view(), name="oidc_authentication_callback"),
]
