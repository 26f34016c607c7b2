"""Life Science AAI identities and inbound visas: written by logins, read here."""

from django.contrib import admin

from access.models import InboundVisa, OidcIdentity
from governance.admin import ReadOnlyAdmin


@admin.register(OidcIdentity)
class OidcIdentityAdmin(ReadOnlyAdmin):
    list_display = ("sub", "issuer", "user", "created", "last_login")
    list_filter = ("issuer",)
    search_fields = ("sub", "user__username", "user__email")


@admin.register(InboundVisa)
class InboundVisaAdmin(ReadOnlyAdmin):
    list_display = ("type", "value", "user", "issuer", "asserted", "expires")
    list_filter = ("type", "issuer")
    search_fields = ("value", "user__username", "jti")
