"""The submissions API views: thin, each calls one service or selector (ingestion/PROTOCOL.md).

Errors are `{"detail": "<message a person can act on>", "code": "<id>"}`; the services'
`FileRefused` carries the status and code, and any extra fields (such as `missing`).
"""

from __future__ import annotations

import io
import logging

from botocore.exceptions import BotoCoreError, ClientError
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from access.selectors import can_submit_for
from bigpicture.errors import TransientError, UserError
from ingestion.api import serializers as s
from ingestion.models import Submission, SubmissionFile
from ingestion.selectors import file_received_parts, submission_files, submission_list, submission_visible
from ingestion.selectors_pipeline import pipeline_tracks
from ingestion.services import files
from ingestion.services.submissions import TransitionRefused, submission_create, submission_transition

logger = logging.getLogger(__name__)
ERRORS = {code: OpenApiResponse(s.ErrorSerializer) for code in (400, 403, 404, 409, 413)}


def _error(detail: str, code: str, status_code: int, **extra) -> Response:
    return Response({"detail": detail, "code": code, **extra}, status=status_code)


def _validation_text(errors, prefix: str = "") -> list[str]:
    if isinstance(errors, dict):
        return [text for field, value in errors.items()
                for text in _validation_text(value, f"{prefix}{field}: " if field != "non_field_errors" else prefix)]
    if isinstance(errors, list):
        return [text for value in errors for text in _validation_text(value, prefix)]
    return [f"{prefix}{errors}"]


class SubmissionsAPIView(APIView):
    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer]

    def handle_exception(self, exc):
        if isinstance(exc, files.FileRefused):
            return _error(str(exc), exc.code, exc.status, **exc.extra)
        if isinstance(exc, TransitionRefused):
            return _error(str(exc), "transition.refused", status.HTTP_409_CONFLICT)
        if isinstance(exc, UserError):
            return _error(str(exc), "invalid", status.HTTP_400_BAD_REQUEST)
        if isinstance(exc, exceptions.ValidationError):
            return _error("; ".join(_validation_text(exc.detail)), "invalid", status.HTTP_400_BAD_REQUEST)
        if isinstance(exc, (BotoCoreError, ClientError, TransientError)):
            logger.exception("submissions API: storage did not answer")
            return _error("The portal's storage did not answer. Try again in a minute; what was sent is kept.",
                          "storage.unavailable", status.HTTP_503_SERVICE_UNAVAILABLE)
        response = super().handle_exception(exc)
        if isinstance(exc, exceptions.APIException) and isinstance(response.data, dict):
            response.data.setdefault("code", exc.default_code)
        return response

    def submission(self, submission_id) -> Submission:
        submission = get_object_or_404(Submission.objects.select_related("organisation"), pk=submission_id)
        if not submission_visible(submission, self.request.user):
            raise exceptions.NotFound("No submission you may see has this id.")
        return submission

    def file(self, submission_id, file_id) -> SubmissionFile:
        submission = self.submission(submission_id)
        file = get_object_or_404(SubmissionFile, pk=file_id, submission=submission)
        file.submission = submission
        return file

    def valid(self, serializer_class, data=None):
        serializer = serializer_class(data=self.request.data if data is None else data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


class SubmissionListView(SubmissionsAPIView):
    @extend_schema(responses={200: s.SubmissionSerializer(many=True)}, summary="Your submissions (stewards: all)")
    def get(self, request):
        return Response(s.SubmissionSerializer(submission_list(request.user), many=True,
                                               context={"request": request}).data)

    @extend_schema(request=s.SubmissionCreateSerializer, responses={201: s.SubmissionSerializer, **ERRORS},
                   summary="Create a submission")
    def post(self, request):
        data = self.valid(s.SubmissionCreateSerializer)
        if not can_submit_for(request.user, data["organisation"]):
            raise files.FileRefused(f"You may not submit for {data['organisation'].name}: ask its node coordinator "
                                    "or a data steward for the contributor role there.", code="forbidden",
                                    status=403)
        submission = submission_create(actor=request.user, **data)
        return Response(s.SubmissionSerializer(submission, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)


class SubmissionDetailView(SubmissionsAPIView):
    @extend_schema(responses={200: s.SubmissionSerializer, **ERRORS},
                   summary="A submission: state, allowed actions, file counts, report summary")
    def get(self, request, submission_id):
        return Response(s.SubmissionSerializer(self.submission(submission_id), context={"request": request}).data)


class SubmissionActionView(SubmissionsAPIView):
    @extend_schema(request=s.TransitionSerializer, responses={200: s.SubmissionSerializer, **ERRORS},
                   summary="Fire a transition (one of the submission's `actions`)")
    def post(self, request, submission_id):
        submission = self.submission(submission_id)
        data = self.valid(s.TransitionSerializer)
        submission_transition(submission=submission, actor=request.user, **data)
        return Response(s.SubmissionSerializer(submission, context={"request": request}).data)


class SubmissionEventsView(SubmissionsAPIView):
    @extend_schema(responses={200: s.SubmissionEventSerializer(many=True), **ERRORS}, summary="State history")
    def get(self, request, submission_id):
        events = self.submission(submission_id).events.select_related("actor")
        return Response(s.SubmissionEventSerializer(events, many=True).data)


class SubmissionReportView(SubmissionsAPIView):
    @extend_schema(responses={200: OpenApiTypes.OBJECT, **ERRORS}, summary="The latest MetaFleX validation report")
    def get(self, request, submission_id):
        submission = self.submission(submission_id)
        return Response({**submission.report, "at": submission.report_at})


class SubmissionPipelineView(SubmissionsAPIView):
    @extend_schema(responses={200: OpenApiTypes.OBJECT, **ERRORS},
                   summary="The processing pipeline: each image's and each file's steps, with times and messages")
    def get(self, request, submission_id):
        tracks = pipeline_tracks(self.submission(submission_id))
        return Response({"images": [_image_track(track) for track in tracks["images"]],
                         "files": [{"path": track.title, "steps": _steps(track)} for track in tracks["files"]]})


def _steps(track) -> list[dict]:
    return [{"name": row.name, "state": row.state or "not_started", "message": row.message,
             "seconds": row.seconds, "attempts": row.attempts} for row in track.steps]


def _image_track(track) -> dict:
    job = track.job
    return {"image": job.image_alias, "format": job.source_label, "lossless": job.lossless,
            "lossy_ratio": job.lossy_ratio, "facts": job.facts, "policy": track.policy.as_plan(), "steps": _steps(track),
            "outputs": [{"path": o.path, "role": o.role, "size": o.size, "sha256": o.sha256} for o in track.outputs]}


class FileListView(SubmissionsAPIView):
    @extend_schema(responses={200: s.FileSerializer(many=True), **ERRORS}, summary="The live files")
    def get(self, request, submission_id):
        return Response(s.FileSerializer(submission_files(self.submission(submission_id)), many=True).data)

    @extend_schema(request=s.FileRegisterSerializer,
                   responses={201: s.FileDetailSerializer, 200: s.FileDetailSerializer, **ERRORS},
                   summary="Register a file (200: the same file exists already, with the parts received)")
    def post(self, request, submission_id):
        data = self.valid(s.FileRegisterSerializer)
        file, created = files.file_register(submission=self.submission(submission_id), actor=request.user, **data)
        return Response(_file_detail(file), status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


def _file_detail(file: SubmissionFile) -> dict:
    return s.FileDetailSerializer(file, context={"parts": file_received_parts(file)}).data


class FileDetailView(SubmissionsAPIView):
    @extend_schema(responses={200: s.FileDetailSerializer, **ERRORS}, summary="One file, with the parts received")
    def get(self, request, submission_id, file_id):
        return Response(_file_detail(self.file(submission_id, file_id)))

    @extend_schema(responses={200: s.FileSerializer, **ERRORS}, summary="Remove a file")
    def delete(self, request, submission_id, file_id):
        file = files.file_remove(file=self.file(submission_id, file_id), actor=request.user)
        return Response(s.FileSerializer(file).data)


class FilePartsView(SubmissionsAPIView):
    @extend_schema(request=s.PartsRequestSerializer, responses={200: s.PartUrlsSerializer, **ERRORS},
                   summary="URLs to PUT parts to")
    def post(self, request, submission_id, file_id):
        data = self.valid(s.PartsRequestSerializer)
        urls = files.file_part_urls(file=self.file(submission_id, file_id), actor=request.user,
                                    numbers=data["numbers"], absolute_url=request.build_absolute_uri)
        return Response(s.PartUrlsSerializer({"parts": urls}).data)


class FileCompleteView(SubmissionsAPIView):
    @extend_schema(request=None, responses={200: s.FileDetailSerializer, **ERRORS},
                   summary="All parts sent: assemble the file and hand it to the pipeline")
    def post(self, request, submission_id, file_id):
        file = files.file_complete(file=self.file(submission_id, file_id), actor=request.user)
        return Response(_file_detail(file))


class UploadPartView(SubmissionsAPIView):
    """The local inbox's part endpoint: the signed URL is the credential, like an S3 presigned URL."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(request={"application/octet-stream": OpenApiTypes.BINARY},
                   responses={200: s.PartReceivedSerializer, **ERRORS}, auth=[],
                   summary="Store one part (local storage); Content-Length must be the part's size")
    def put(self, request, token):
        length = request.META.get("CONTENT_LENGTH")
        try:
            length = int(length) if length else None
        except ValueError:
            length = None
        part = files.file_part_receive(token=token, body=request.stream or io.BytesIO(b""), content_length=length)
        return Response(s.PartReceivedSerializer(part).data)
