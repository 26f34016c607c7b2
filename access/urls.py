from django.urls import path

from access.views import applications, entitlements, groups, keys, profile, tokens

app_name = "access"
urlpatterns = [
    path("tokens/", tokens.token_list, name="tokens"),
    path("tokens/<int:pk>/revoke/", tokens.token_revoke_view, name="token_revoke"),
    # login and profile (OIDC)
    path("", profile.profile, name="profile"),

    # groups
    path("groups/", groups.my_groups, name="groups"),
    path("groups/memberships/<int:pk>/extend/", groups.extension_request_view, name="extension_request"),
    path("groups/<int:pk>/", groups.group_detail, name="group"),
    path("groups/<int:pk>/members/", groups.member_add, name="group_member_add"),
    path("groups/<int:pk>/members/<int:membership_pk>/<slug:action>/", groups.member_action,
         name="group_member_action"),
    path("groups/<int:pk>/invitations/", groups.invitation_create_view, name="group_invite"),
    path("groups/<int:pk>/invitations/csv/", groups.invitations_csv, name="group_invite_csv"),
    path("groups/<int:pk>/invitations/<int:invitation_pk>/<slug:action>/", groups.invitation_action,
         name="group_invitation_action"),
    path("groups/<int:pk>/extensions/<int:request_pk>/", groups.extension_decide_view, name="group_extension"),
    path("invitations/<str:token>/", groups.invitation_accept_view, name="invitation_accept"),

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
    path("access/", entitlements.my_access, name="my_access"),
    path("reports/", entitlements.reports, name="reports"),
    path("reports/<slug:name>.csv", entitlements.export_csv, name="export_csv"),

    # downloads: crypt4gh public keys
    path("keys/", keys.key_list, name="keys"),
    path("keys/<int:pk>/revoke/", keys.key_revoke_view, name="key_revoke"),

]
