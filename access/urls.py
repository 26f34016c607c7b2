from django.urls import path

from access.views import profile, tokens

app_name = "access"
urlpatterns = [
    path("tokens/", tokens.token_list, name="tokens"),
    path("tokens/<int:pk>/revoke/", tokens.token_revoke_view, name="token_revoke"),
    # login and profile (OIDC)
    path("", profile.profile, name="profile"),

    # groups

    # applications

    # entitlements

]
