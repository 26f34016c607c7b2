from django.urls import path

from access.views import applications, tokens

app_name = "access"
urlpatterns = [
    path("tokens/", tokens.token_list, name="tokens"),
    path("tokens/<int:pk>/revoke/", tokens.token_revoke_view, name="token_revoke"),
    # login and profile (OIDC)

    # groups

    # applications
    path("applications/", applications.my_applications, name="my_applications"),
    path("applications/queue/", applications.handler_queue_view, name="application_queue"),
    path("applications/apply/<str:accession>/", applications.application_apply, name="application_apply"),
    path("applications/<int:pk>/", applications.application_detail, name="application"),
    path("applications/<int:pk>/command/<str:command>/", applications.application_command_view,
         name="application_command"),
    path("applications/<int:pk>/attachments/<int:attachment_pk>/", applications.attachment_download,
         name="application_attachment"),
    path("applications/<int:pk>/invitation/<str:token>/", applications.application_invitation,
         name="application_invitation"),

    # entitlements

]
