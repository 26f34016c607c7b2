"""The default SOP for Bigpicture ingestion (editable in the admin afterwards)."""

from django.db import migrations

NAME = "Bigpicture ingestion"
STEPS = [
    ("DSA on file", "A signed data submission agreement covers this organisation and dataset."),
    ("Metadata validated", "The MetaFleX validation report has no errors; warnings are understood."),
    ("Checksums verified", "Every file's SHA-256 matches the metadata and the upload."),
    ("Files scanned", "The malware scan found nothing."),
    ("DICOM converted and de-identified", "Images are DICOM WSI and carry no direct identifiers."),
    ("Landing page previewed", "Title, description, thumbnails and policy read correctly."),
    ("Pseudonymisation checked", "Aliases and attributes do not identify a person."),
    ("Approved by steward", "Everything above holds; the submission may be published."),
]


def create(apps, schema_editor):
    SOPTemplate = apps.get_model("ingestion", "SOPTemplate")
    SOPStep = apps.get_model("ingestion", "SOPStep")
    template, created = SOPTemplate.objects.get_or_create(
        name=NAME, defaults={"description": "The steps a data steward checks before a submission is published.",
                             "is_default": not SOPTemplate.objects.filter(is_default=True).exists()})
    if created:
        SOPStep.objects.bulk_create(SOPStep(template=template, order=index, title=title, help=help_text)
                                    for index, (title, help_text) in enumerate(STEPS, start=1))


def remove(apps, schema_editor):
    apps.get_model("ingestion", "SOPTemplate").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):

    dependencies = [("ingestion", "0002_tickets")]

    operations = [migrations.RunPython(create, remove)]
