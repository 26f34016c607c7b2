"""The caller's own identity, for clients that check their token (the bulk uploader)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from access.selectors import submission_organisations


class SubmissionOrganisationSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    submission_organisations = SubmissionOrganisationSerializer(many=True)


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer, summary="Who the credentials belong to, and where they may submit")
    def get(self, request):
        user = request.user
        organisations = submission_organisations(user).order_by("name")
        return Response(MeSerializer({"username": user.get_username(),
                                      "submission_organisations": organisations}).data)
