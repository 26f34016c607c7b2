"""/api/v1/permissions/<user>: a user's GA4GH passport, for the user themselves or a trusted service."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from access.models import User
from access.visas.passport import passport
from governance.services import audit_record


class PassportSerializer(serializers.Serializer):
    ga4gh_passport_v1 = serializers.ListField(child=serializers.CharField(), help_text="Visa JWTs (RS256)")


def is_trusted_visa_service(user) -> bool:
    return user.is_authenticated and user.get_username() in settings.GA4GH_TRUSTED_SERVICE_USERS


class PermissionsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=PassportSerializer, summary="A user's GA4GH passport: one ControlledAccessGrants "
                   "visa per entitlement in force (for the user, or a service in GA4GH_TRUSTED_SERVICE_USERS)")
    def get(self, request, user: str):
        # Refused before the lookup, so nobody learns which other users exist.
        if user not in (request.user.get_username(), str(request.user.pk)) and not is_trusted_visa_service(
                request.user):
            raise PermissionDenied("Only the user themselves, or a service listed in GA4GH_TRUSTED_SERVICE_USERS, "
                                   "may fetch a user's visas.")
        active = User.objects.filter(is_active=True)
        subject = active.filter(username=user).first() or (user.isdigit() and active.filter(pk=int(user)).first())
        if not subject:
            raise NotFound(f"No active user is called {user!r} or has that id.")
        document = passport(subject)
        audit_record(actor=request.user, action="passport.issue", target=subject,
                     detail={"visas": len(document["ga4gh_passport_v1"])})
        return Response(PassportSerializer(document).data)
