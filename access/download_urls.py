"""/downloads/ (access.views.downloads)."""

from django.urls import path

from access.views import downloads

app_name = "downloads"
urlpatterns = [
    path("files/<str:file_accession>", downloads.file_latest_download, name="file_latest"),
    path("datasets/<str:accession>/v<int:number>/files/<str:file_accession>", downloads.file_download,
         name="file"),
    path("datasets/<str:accession>/v<int:number>/manifest.tsv", downloads.manifest, {"fmt": "tsv"},
         name="manifest_tsv"),
    path("datasets/<str:accession>/v<int:number>/manifest.json", downloads.manifest, {"fmt": "json"},
         name="manifest_json"),
    path("datasets/<str:accession>/v<int:number>/bundle.tar", downloads.bundle_tar, name="bundle_tar"),
]
