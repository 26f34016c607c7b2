"""/dicomweb/: QIDO-RS and WADO-RS (PS3.18), read only."""

from django.urls import path, register_converter

from access.views import dicomweb as views


class _Text:
    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class UidConverter(_Text):
    regex = r"[0-9.]{1,64}"


class FrameListConverter(_Text):
    regex = r"[0-9]+(?:,[0-9]+)*"


register_converter(UidConverter, "uid")
register_converter(FrameListConverter, "frames")

app_name = "dicomweb"
S = "studies/<uid:study>"
SE = f"{S}/series/<uid:series>"
I = f"{SE}/instances/<uid:instance>"  # noqa: E741
urlpatterns = [
    path("studies", views.studies, name="studies"),
    path("series", views.series, name="series"),
    path("instances", views.instances, name="instances"),
    path(f"{S}/series", views.series, name="study_series"),
    path(f"{S}/instances", views.instances, name="study_instances"),
    path(f"{SE}/instances", views.instances, name="series_instances"),
    path(f"{S}/metadata", views.metadata, name="study_metadata"),
    path(f"{SE}/metadata", views.metadata, name="series_metadata"),
    path(f"{I}/metadata", views.metadata, name="instance_metadata"),
    path(f"{I}/frames/<frames:numbers>", views.frames, name="frames"),
    path(f"{I}/frames/<frames:numbers>/rendered", views.frame_rendered, name="frame_rendered"),
    path(f"{I}/rendered", views.instance_rendered, name="instance_rendered"),
    path(f"{I}/thumbnail", views.instance_thumbnail, name="instance_thumbnail"),
    path(f"{I}/bulkdata/<str:key>", views.bulkdata, name="bulkdata"),
    path(f"{SE}/thumbnail", views.series_thumbnail, name="series_thumbnail"),
    path(f"{S}/thumbnail", views.series_thumbnail, name="study_thumbnail"),
    path("viewer/<str:accession>", views.viewer, name="viewer"),  # a page, not DICOMweb
]
