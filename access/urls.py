from django.urls import path

from access.views import entitlements, tokens

app_name = "access"
urlpatterns = [
    path("tokens/", tokens.token_list, name="tokens"),
    path("tokens/<int:pk>/revoke/", tokens.token_revoke_view, name="token_revoke"),
    # login and profile (OIDC)

    # groups

    # applications

    # entitlements
    path("access/", entitlements.my_access, name="my_access"),
    path("reports/", entitlements.reports, name="reports"),
    path("reports/<slug:name>.csv", entitlements.export_csv, name="export_csv"),

]
