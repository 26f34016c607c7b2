"""The index of published DICOM instances that DICOMweb answers from.

Filled from the headers (never the pixels) of each published version's image files, after the
publication commits (access.services.dicomweb_index). QIDO matches on the columns; WADO metadata is
`metadata`, kept as DICOM JSON with large values as BulkDataURI placeholders; frames are read at the
byte ranges in `frame_ranges`, so a frame costs one ranged read of the stored file.
"""

from django.db import models


class DicomInstance(models.Model):
    version = models.ForeignKey("repository.DatasetVersion", on_delete=models.CASCADE, related_name="+")
    dataset = models.ForeignKey("repository.Dataset", on_delete=models.CASCADE, related_name="+")
    image = models.ForeignKey("repository.Image", on_delete=models.CASCADE, related_name="+")
    image_file = models.ForeignKey("repository.ImageFile", on_delete=models.CASCADE, related_name="+")
    study_uid = models.CharField(max_length=64, db_index=True)
    series_uid = models.CharField(max_length=64, db_index=True)
    sop_uid = models.CharField(max_length=64, db_index=True)
    sop_class_uid = models.CharField(max_length=64)
    transfer_syntax_uid = models.CharField(max_length=64)
    modality = models.CharField(max_length=16, blank=True)
    patient_id = models.CharField(max_length=64, blank=True)
    accession_number = models.CharField(max_length=16, blank=True)
    study_id = models.CharField(max_length=16, blank=True)
    study_date = models.CharField(max_length=8, blank=True)
    # The third value of ImageType: VOLUME, LABEL, OVERVIEW or THUMBNAIL.
    flavor = models.CharField(max_length=16, blank=True)
    number_of_frames = models.PositiveIntegerField(default=1)
    rows = models.PositiveIntegerField(default=0)
    columns = models.PositiveIntegerField(default=0)
    # Study and series attributes for QIDO's study and series results, from this instance's header.
    study_fields = models.JSONField(default=dict)
    series_fields = models.JSONField(default=dict)
    metadata = models.JSONField(default=dict)
    # (start, end, encapsulated) per frame, packed by access.services.dicomweb_index.frame_ranges_pack.
    frame_ranges = models.BinaryField()
    indexed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version", "sop_uid"], name="dicom_instance_unique")]
        indexes = [models.Index(fields=["version", "study_uid", "series_uid"])]

    def __str__(self) -> str:
        return f"{self.sop_uid} ({self.flavor or self.sop_class_uid})"
