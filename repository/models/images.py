"""Images of slides, annotations on images, and the files of both."""

from django.db import models

from repository.models.base import MetaflexObject, version_unique_constraints
from repository.models.samples import Slide


class ImageType(models.TextChoices):
    WSI = "WSI_IMAGE", "Whole-slide image"
    GROSS = "GROSS_IMAGE", "Gross image"


class Image(MetaflexObject):
    image_type = models.CharField(max_length=20, choices=ImageType.choices)
    slides = models.ManyToManyField(Slide, related_name="images")

    class Meta:
        constraints = version_unique_constraints("image")


class Annotation(MetaflexObject):
    image = models.ForeignKey(Image, on_delete=models.CASCADE, related_name="annotations")

    class Meta:
        constraints = version_unique_constraints("annotation")


class StoredFile(models.Model):
    """A FILE element: its bundle-relative name, checksums and where the bytes are kept."""

    accession = models.CharField(max_length=40, db_index=True)
    filename = models.TextField()
    filetype = models.CharField(max_length=20)
    checksum_method = models.CharField(max_length=10, default="SHA256")
    checksum = models.CharField(max_length=64)
    unencrypted_checksum = models.CharField(max_length=64, blank=True)
    # A crypt4gh upload is archived as plaintext: `checksum` is then the plaintext's (what the archive
    # holds and an export lists) and this the SHA256 of the encrypted file as it was submitted.
    encrypted_checksum = models.CharField(max_length=64, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    storage_name = models.CharField(max_length=1000, blank=True, help_text="Key in the archive storage area")

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.filename


class ImageFile(StoredFile):
    image = models.ForeignKey(Image, on_delete=models.CASCADE, related_name="files")


class AnnotationFile(StoredFile):
    annotation = models.ForeignKey(Annotation, on_delete=models.CASCADE, related_name="files")
