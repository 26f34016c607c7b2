"""The submissions API (see ingestion/PROTOCOL.md)."""

from django.urls import path

from ingestion.api import views

app_name = "ingestion_api"
SUBMISSION = "submissions/<uuid:submission_id>/"
FILE = f"{SUBMISSION}files/<uuid:file_id>/"
urlpatterns = [
    path("submissions/", views.SubmissionListView.as_view(), name="submission-list"),
    path(SUBMISSION, views.SubmissionDetailView.as_view(), name="submission-detail"),
    path(f"{SUBMISSION}actions/", views.SubmissionActionView.as_view(), name="submission-actions"),
    path(f"{SUBMISSION}events/", views.SubmissionEventsView.as_view(), name="submission-events"),
    path(f"{SUBMISSION}report/", views.SubmissionReportView.as_view(), name="submission-report"),
    path(f"{SUBMISSION}pipeline/", views.SubmissionPipelineView.as_view(), name="submission-pipeline"),
    path(f"{SUBMISSION}files/", views.FileListView.as_view(), name="file-list"),
    path(FILE, views.FileDetailView.as_view(), name="file-detail"),
    path(f"{FILE}parts/", views.FilePartsView.as_view(), name="file-parts"),
    path(f"{FILE}complete/", views.FileCompleteView.as_view(), name="file-complete"),
    path("uploads/<str:token>/", views.UploadPartView.as_view(), name="upload-part"),
]
