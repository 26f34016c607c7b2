import factory

from access.models import CatalogueItem, Form, FormField, License, LicenseVersion, Workflow
from access.services.catalogue import license_version_create
from tests.access.factories import OrganisationFactory
from tests.repository.factories import DatasetFactory


class WorkflowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workflow
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"DAC {n}")
    organisation = factory.SubFactory(OrganisationFactory)

    @factory.post_generation
    def handlers(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.handlers.set(extracted)

    @factory.post_generation
    def deciders(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.deciders.set(extracted)


class LicenseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = License

    title = factory.Sequence(lambda n: f"Data use agreement {n}")


def license_with_text(text: str, **kwargs) -> License:
    license = LicenseFactory(**kwargs)
    license_version_create(license=license, text=text)
    return license


class FormFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Form

    title = factory.Sequence(lambda n: f"Application form {n}")


class FormFieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FormField

    form = factory.SubFactory(FormFactory)
    position = factory.Sequence(int)
    key = factory.Sequence(lambda n: f"field-{n}")
    label = factory.Sequence(lambda n: f"Question {n}")


class CatalogueItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CatalogueItem
        skip_postgeneration_save = True

    dataset = factory.SubFactory(DatasetFactory)
    workflow = factory.SubFactory(WorkflowFactory)

    @factory.post_generation
    def licenses(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.licenses.set(extracted)


__all__ = ["CatalogueItemFactory", "FormFactory", "FormFieldFactory", "LicenseFactory", "LicenseVersion",
           "WorkflowFactory", "license_with_text"]
