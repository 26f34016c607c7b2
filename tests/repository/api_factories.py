"""Factories for the rows inside a dataset version, for the API tests.

Accessions are zero-padded sequences, so ordering by accession is creation
order. `populated_version` builds one small version with every kind of row.
"""

import itertools

import factory

from repository.models import (
    Annotation,
    AnnotationFile,
    BiologicalBeing,
    Block,
    Case,
    Image,
    ImageFile,
    ImageType,
    Observation,
    Observer,
    ObserverType,
    Slide,
    Specimen,
    Staining,
    StatementStatus,
    StatementType,
)
from tests.repository.factories import DatasetVersionFactory

SPECIES = {"kind": "code", "tag": "species", "nil": False,
           "value": {"code": "337915000", "scheme": "SCT", "meaning": "Homo sapiens", "scheme_version": "2024"}}
AGE_UNKNOWN = {"kind": "string", "tag": "age_at_extraction", "value": None, "nil": True}
THICKNESS = {"kind": "measurement", "tag": "section_thickness", "value": "4", "units": "um", "nil": False}


# One counter for all kinds, so accessions are unique across tables as the registry makes them.
_ACCESSIONS = itertools.count()


def accession(kind: str):
    return factory.LazyFunction(lambda: f"bp-{kind}-{next(_ACCESSIONS):06d}-aaaaaa")


def same_version(path: str = "version"):
    return factory.SelfAttribute(f"..{path}")


class MetaflexObjectFactory(factory.django.DjangoModelFactory):
    version = factory.SubFactory(DatasetVersionFactory)
    alias = factory.Sequence(lambda n: f"object-{n}")
    attributes = factory.LazyFunction(list)
    content_hash = "0" * 64


class BiologicalBeingFactory(MetaflexObjectFactory):
    class Meta:
        model = BiologicalBeing

    accession = accession("sample")
    attributes = factory.LazyFunction(lambda: [SPECIES, AGE_UNKNOWN])


class CaseFactory(MetaflexObjectFactory):
    class Meta:
        model = Case

    accession = accession("sample")
    being = factory.SubFactory(BiologicalBeingFactory, version=same_version())


class SpecimenFactory(MetaflexObjectFactory):
    class Meta:
        model = Specimen

    accession = accession("sample")
    being = factory.SubFactory(BiologicalBeingFactory, version=same_version())
    case = factory.SubFactory(CaseFactory, version=same_version(), being=factory.SelfAttribute("..being"))


class BlockFactory(MetaflexObjectFactory):
    class Meta:
        model = Block
        skip_postgeneration_save = True

    accession = accession("sample")

    @factory.post_generation
    def specimens(obj, create, extracted, **kwargs):
        if create:
            obj.specimens.set(extracted if extracted is not None else [SpecimenFactory(version=obj.version)])


class StainingFactory(MetaflexObjectFactory):
    class Meta:
        model = Staining

    accession = accession("staining")
    stains = factory.LazyFunction(lambda: [[{"kind": "string", "tag": "stain", "value": "H&E", "nil": False}]])


class SlideFactory(MetaflexObjectFactory):
    class Meta:
        model = Slide

    accession = accession("sample")
    block = factory.SubFactory(BlockFactory, version=same_version())
    staining = factory.SubFactory(StainingFactory, version=same_version())
    attributes = factory.LazyFunction(lambda: [THICKNESS])


class ImageFactory(MetaflexObjectFactory):
    class Meta:
        model = Image
        skip_postgeneration_save = True

    accession = accession("image")
    image_type = ImageType.WSI

    @factory.post_generation
    def slides(obj, create, extracted, **kwargs):
        if create:
            obj.slides.set(extracted if extracted is not None else [SlideFactory(version=obj.version)])

    @factory.post_generation
    def files(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            ImageFileFactory(image=obj)


class ImageFileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImageFile

    image = factory.SubFactory(ImageFactory)
    accession = accession("file")
    filename = factory.Sequence(lambda n: f"IMAGES/IMAGE_slide-{n}/slide-{n}.dcm")
    filetype = "dcm"
    checksum = factory.Sequence(lambda n: f"{n:064x}")
    size = 123_456
    storage_name = factory.Sequence(lambda n: f"archive/secret-bucket-key-{n}.dcm")


class AnnotationFactory(MetaflexObjectFactory):
    class Meta:
        model = Annotation
        skip_postgeneration_save = True

    accession = accession("annotation")
    image = factory.SubFactory(ImageFactory, version=same_version())

    @factory.post_generation
    def files(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            AnnotationFileFactory(annotation=obj)


class AnnotationFileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AnnotationFile

    annotation = factory.SubFactory(AnnotationFactory)
    accession = accession("file")
    filename = factory.Sequence(lambda n: f"ANNOTATIONS/annotation-{n}.json")
    filetype = "json"
    checksum = factory.Sequence(lambda n: f"{n:064x}")
    size = 2_048
    storage_name = factory.Sequence(lambda n: f"archive/secret-annotation-key-{n}.json")


class ObserverFactory(MetaflexObjectFactory):
    class Meta:
        model = Observer

    accession = accession("observer")
    observer_type = ObserverType.HUMAN


class ObservationFactory(MetaflexObjectFactory):
    """An observation about a case unless another target is given (pass `case=None` then)."""

    class Meta:
        model = Observation
        skip_postgeneration_save = True

    accession = accession("observation")
    case = factory.SubFactory(CaseFactory, version=same_version())
    statement_type = StatementType.DIAGNOSIS
    statement_status = StatementStatus.SUMMARY
    codes = factory.LazyFunction(lambda: [{"kind": "code", "tag": "diagnosis", "nil": False, "value": {
        "code": "82603000", "scheme": "SCT", "meaning": "Invasive ductal carcinoma", "scheme_version": "2024"}}])
    custom_attributes = None
    freetext = "Invasive ductal carcinoma, grade 2."

    @factory.post_generation
    def observers(obj, create, extracted, **kwargs):
        if create:
            obj.observers.set(extracted if extracted is not None else [ObserverFactory(version=obj.version)])


def populated_version(**kwargs):
    """A released version with one of everything: being → case → specimen → block → slide → image."""
    version = DatasetVersionFactory(**kwargs)
    specimen = SpecimenFactory(version=version)
    block = BlockFactory(version=version, specimens=[specimen])
    slide = SlideFactory(version=version, block=block)
    image = ImageFactory(version=version, slides=[slide])
    AnnotationFactory(version=version, image=image)
    ObservationFactory(version=version, case=specimen.case)
    return version
