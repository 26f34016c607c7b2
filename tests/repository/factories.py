import factory
from django.utils import timezone

from repository.models import Dataset, DatasetFacet, DatasetStatus, DatasetVersion
from tests.access.factories import OrganisationFactory


class DatasetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dataset

    accession = factory.Sequence(lambda n: f"bp-dataset-aaaaaa-{n:06d}".replace("0", "a").replace("1", "b"))
    alias = factory.Sequence(lambda n: f"dataset-{n}")
    organisation = factory.SubFactory(OrganisationFactory)
    status = DatasetStatus.RELEASED


class DatasetVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DatasetVersion
        skip_postgeneration_save = True

    dataset = factory.SubFactory(DatasetFactory)
    number = 1
    alias = factory.LazyAttribute(lambda v: v.dataset.alias)
    title = factory.Sequence(lambda n: f"Synthetic breast cancer cohort {n}")
    short_name = factory.Sequence(lambda n: f"SYN-{n}")
    description = "Whole-slide images of core needle biopsies."
    version_label = "1.0"
    metadata_standard = "2.0.0"
    published_at = factory.LazyFunction(timezone.now)
    search_text = factory.LazyAttribute(lambda v: f"{v.title} {v.description}")

    @factory.post_generation
    def make_latest(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            obj.dataset.latest_version = obj
            obj.dataset.save(update_fields=["latest_version"])

    @factory.post_generation
    def facet_values(obj, create, extracted, **kwargs):
        if create and extracted:
            DatasetFacet.objects.bulk_create(
                DatasetFacet(version=obj, facet=facet, value=value) for facet, value in extracted
            )


def datasets_forget(datasets) -> None:
    """Delete datasets as if this repository had never held them (a re-import test). Their catalogue
    items go first: a dataset with an access history is protected from deletion otherwise."""
    from access.models import CatalogueItem

    CatalogueItem.objects.filter(dataset__in=datasets).delete()
    datasets.delete()
