"""Input and output serializers of the submissions API (ingestion/PROTOCOL.md)."""

from __future__ import annotations

from datetime import datetime

from rest_framework import serializers

from access.models import Organisation
from ingestion.models import Submission, SubmissionEvent, SubmissionFile
from ingestion.selectors import submission_actions, submission_file_counts
from ingestion.services.expiry import upload_expires
from ingestion.uploads.types import parts_total
from repository.models import Dataset


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong and what to do, for a person to read.")
    code = serializers.CharField(help_text="A stable identifier, such as path.unsafe or quota.exceeded.")


class SubmissionCreateSerializer(serializers.Serializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", queryset=Organisation.objects.all())
    title = serializers.CharField(max_length=255, required=False, default="", allow_blank=True)
    dataset = serializers.SlugRelatedField(slug_field="accession", queryset=Dataset.objects.all(), required=False,
                                           allow_null=True, default=None,
                                           help_text="The accession of the dataset this submission versions.")


class ActionSerializer(serializers.Serializer):
    action = serializers.CharField()
    label = serializers.CharField()
    needs_message = serializers.BooleanField()
    destructive = serializers.BooleanField()


class SubmissionSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    dataset = serializers.SlugRelatedField(slug_field="accession", read_only=True)
    actions = serializers.SerializerMethodField()
    files = serializers.SerializerMethodField(help_text="How many files are in each state.")
    report = serializers.SerializerMethodField(help_text="Summary of the latest validation report.")

    class Meta:
        model = Submission
        fields = ["id", "organisation", "title", "dataset", "state", "actions", "files", "report", "created",
                  "updated"]

    def get_actions(self, submission) -> list[dict]:
        user = self.context["request"].user
        return ActionSerializer(submission_actions(submission, user), many=True).data

    def get_files(self, submission) -> dict[str, int]:
        return submission_file_counts(submission)

    def get_report(self, submission) -> dict:
        problems = submission.report.get("problems", [])
        return {"ok": submission.report.get("ok"), "at": submission.report_at,
                "errors": sum(1 for p in problems if p.get("severity") == "error"),
                "warnings": sum(1 for p in problems if p.get("severity") == "warning")}


class SubmissionEventSerializer(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = SubmissionEvent
        fields = ["created", "actor", "action", "from_state", "to_state", "message", "failure"]


class TransitionSerializer(serializers.Serializer):
    action = serializers.CharField(max_length=40)
    message = serializers.CharField(required=False, default="", allow_blank=True, max_length=10_000)


class FileRegisterSerializer(serializers.Serializer):
    path = serializers.CharField(max_length=4096, trim_whitespace=False,
                                 help_text="The path inside the bundle, such as IMAGES/IMAGE_x/1.dcm.")
    size = serializers.IntegerField(min_value=0)
    sha256 = serializers.CharField(required=False, default="", allow_blank=True, max_length=64,
                                   help_text="SHA-256 of the whole file, 64 hex digits (of the encrypted file, "
                                             "when it is crypt4gh-encrypted).")


class PartSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    size = serializers.IntegerField()


class FileSerializer(serializers.ModelSerializer):
    received_bytes = serializers.SerializerMethodField()
    parts_total = serializers.SerializerMethodField()
    upload_expires = serializers.SerializerMethodField()

    class Meta:
        model = SubmissionFile
        fields = ["id", "path", "size", "sha256", "state", "error", "failure", "received_bytes", "part_size",
                  "parts_total", "upload_expires"]

    def get_received_bytes(self, file) -> int:
        if hasattr(file, "received_bytes"):
            return file.received_bytes
        return sum(part.size for part in self.context.get("parts", ()))

    def get_parts_total(self, file) -> int:
        return parts_total(file.size, file.part_size)

    def get_upload_expires(self, file) -> datetime:
        return serializers.DateTimeField().to_representation(upload_expires(file))


class FileDetailSerializer(FileSerializer):
    """One file with the parts the inbox holds (`context["parts"]`): a client sends only the others."""

    parts = serializers.SerializerMethodField()

    class Meta(FileSerializer.Meta):
        fields = [*FileSerializer.Meta.fields, "parts"]

    def get_parts(self, file) -> list[dict]:
        return PartSerializer(self.context.get("parts", ()), many=True).data


class PartsRequestSerializer(serializers.Serializer):
    numbers = serializers.ListField(child=serializers.IntegerField(), min_length=1, max_length=10_000)


class PartUrlSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    url = serializers.URLField()
    method = serializers.CharField()
    headers = serializers.DictField(child=serializers.CharField())


class PartUrlsSerializer(serializers.Serializer):
    parts = PartUrlSerializer(many=True)


class PartReceivedSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    size = serializers.IntegerField()
    etag = serializers.CharField()
