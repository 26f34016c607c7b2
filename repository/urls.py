from django.urls import path

from repository.views import catalogue, landing, metadata, public_media, statistics

app_name = "repository"
urlpatterns = [
    path("datasets/", catalogue.catalogue, name="catalogue"),
    path("media/public/<path:name>", public_media.public_file, name="public_file"),
    path("datasets/<str:accession>/", landing.landing_page, name="landing_page"),
    path("datasets/<str:accession>/v/<int:number>/", landing.landing_page, name="landing_page_version"),
    path("datasets/<str:accession>/metaflex.zip", landing.metaflex_download, name="metaflex_zip"),
    path("datasets/<str:accession>/v/<int:number>/metaflex.zip", landing.metaflex_download,
         name="metaflex_zip_version"),
    path("datasets/<str:accession>/datacite.xml", metadata.datacite, name="datacite_xml"),
    path("datasets/<str:accession>/v/<int:number>/datacite.xml", metadata.datacite, name="datacite_xml_version"),
    path("datasets/<str:accession>/cite.<str:fmt>", metadata.citation, name="citation"),
    path("datasets/<str:accession>/v/<int:number>/cite.<str:fmt>", metadata.citation, name="citation_version"),
    path("statistics/", statistics.statistics, name="statistics"),
    path("statistics/<slug:table>.csv", statistics.statistics_csv, name="statistics_csv"),
]
