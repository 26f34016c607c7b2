"""/api/v1/applications/: the same commands as the pages, driven by the same permission table.

GET the list (yours, or ?queue=1 for the ones you handle), POST to create; GET one application (its
state, history and the commands you may run); POST /commands/<command>/ with the command's inputs as JSON.
"""

from __future__ import annotations

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from access.applications.commands import COMMANDS, CommandRefused, application_command, command_args
from access.applications.page import application_page_for
from access.models import Application, ApplicationEvent, CatalogueItem
from access.selectors.applications import handler_queue, user_applications


class ApplicationSerializer(serializers.ModelSerializer):
    applicant = serializers.CharField(source="applicant.username")
    datasets = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = ["id", "applicant", "state", "external_id", "datasets", "catalogue_items", "renews", "assignee",
                  "submitted_at", "decided_at", "entitlement_end", "created"]

    def get_datasets(self, application) -> list[str]:
        return [item.dataset.accession for item in application.catalogue_items.all()]


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None)

    class Meta:
        model = ApplicationEvent
        fields = ["seq", "type", "actor", "payload", "created"]


class LicenseStatusSerializer(serializers.Serializer):
    license = serializers.CharField()
    version = serializers.IntegerField()
    accepted = serializers.BooleanField()


class ApplicationDetailSerializer(serializers.Serializer):
    application = ApplicationSerializer()
    roles = serializers.ListField(child=serializers.CharField())
    allowed_commands = serializers.ListField(child=serializers.CharField())
    answers = serializers.DictField()
    licenses = LicenseStatusSerializer(many=True)
    events = EventSerializer(many=True)


class CommandResultSerializer(serializers.Serializer):
    event = EventSerializer(allow_null=True)
    application = ApplicationSerializer(required=False)
    new_application = serializers.IntegerField(required=False)


class RefusedSerializer(serializers.Serializer):
    detail = serializers.CharField()


class CreateSerializer(serializers.Serializer):
    catalogue_items = serializers.ListField(child=serializers.IntegerField(), min_length=1)


class CatalogueItemSerializer(serializers.ModelSerializer):
    dataset = serializers.CharField(source="dataset.accession")
    workflow = serializers.CharField(source="workflow.title")

    class Meta:
        model = CatalogueItem
        fields = ["id", "dataset", "workflow", "form", "requires_bona_fide", "indirect", "created"]


def _refused(error: CommandRefused) -> Response:
    return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)


class CatalogueItemListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=CatalogueItemSerializer(many=True), summary="Datasets open for application")
    def get(self, request):
        items = CatalogueItem.objects.filter(ended_at__isnull=True).select_related("dataset", "workflow")
        return Response(CatalogueItemSerializer(items.order_by("dataset__accession"), many=True).data)


class ApplicationListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ApplicationSerializer(many=True), summary="Your applications (?queue=1: those you handle)")
    def get(self, request):
        found = handler_queue(request.user) if request.query_params.get("queue") == "1" else user_applications(
            request.user)
        return Response(ApplicationSerializer(found, many=True).data)

    @extend_schema(request=CreateSerializer, responses={201: ApplicationSerializer, 409: RefusedSerializer},
                   summary="Start an application")
    def post(self, request):
        body = CreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            outcome = application_command(application=None, command="create", actor=request.user,
                                          catalogue_items=body.validated_data["catalogue_items"])
        except CommandRefused as error:
            return _refused(error)
        return Response(ApplicationSerializer(outcome.application).data, status=status.HTTP_201_CREATED)


class ApplicationDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ApplicationDetailSerializer,
                   summary="One application: state, answers, history, and the commands you may run")
    def get(self, request, pk: int):
        application, page = application_page_for(pk, request.user)
        keys = {field.key for field in page["fields"]}
        return Response({
            "application": ApplicationSerializer(application).data,
            "roles": page["roles"],
            "allowed_commands": sorted(page["allowed"]),
            "answers": {key: value for key, value in application.answers.items() if key in keys},
            "licenses": [{"license": e["version"].license.title, "version": e["version"].number,
                          "accepted": e["accepted"]} for e in page["licenses"]],
            "events": EventSerializer(page["history"], many=True).data,
        })


class ApplicationCommandView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=OpenApiTypes.OBJECT, responses={200: CommandResultSerializer, 409: RefusedSerializer},
                   summary="Run one command (its inputs as a JSON object; see access/applications/COMMANDS.md)")
    def post(self, request, pk: int, command: str):
        application, _ = application_page_for(pk, request.user)
        if command not in COMMANDS:
            return Response({"detail": f"Unknown command {command!r}."}, status=status.HTTP_404_NOT_FOUND)
        args = command_args(command, request.data)
        try:
            outcome = application_command(application=application, command=command, actor=request.user, **args)
        except CommandRefused as error:
            return _refused(error)
        body = {"event": EventSerializer(outcome.event).data if outcome.event else None}
        if outcome.application is not None:
            body["application"] = ApplicationSerializer(outcome.application).data
        if "new_application" in outcome.result:
            body["new_application"] = outcome.result["new_application"].pk
        return Response(body)


urlpatterns = [
    path("catalogue-items/", CatalogueItemListView.as_view(), name="catalogue_items"),
    path("applications/", ApplicationListView.as_view(), name="applications"),
    path("applications/<int:pk>/", ApplicationDetailView.as_view(), name="application"),
    path("applications/<int:pk>/commands/<str:command>/", ApplicationCommandView.as_view(),
         name="application_command"),
]
