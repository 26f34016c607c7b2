import uuid

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("bigpicture", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="StorageJournal",
            fields=[
                ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ("moves", models.JSONField()),
                ("created", models.DateTimeField(auto_now_add=True)),
            ],
        ),
    ]
