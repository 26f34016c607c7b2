# crypt4gh uploads are archived as plaintext; keep the checksum of the encrypted file as submitted.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("repository", "0005_public_export"),
    ]

    operations = [
        migrations.AddField(
            model_name="annotationfile",
            name="encrypted_checksum",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="imagefile",
            name="encrypted_checksum",
            field=models.CharField(blank=True, max_length=64),
        ),
    ]
