"""Dataset identity (organisation + alias), long bundle values, owned accessions, datacite.xml.

- Datasets get a uniqueness rule: one alias per organisation, and one per alias among
  datasets with no organisation (a partial unique index on both PostgreSQL and SQLite).
  A database that already holds duplicates (made by concurrent first imports before
  this rule) is refused with their accessions, for an admin to merge or withdraw.
- Text copied from a bundle becomes TEXT: the MetaFleX XSDs set no length limits.
- The accession registry records accessions accepted from another repository, and a
  version records which it accepted and the contributor's DataCite record.
"""

from django.db import migrations, models


def refuse_duplicate_datasets(apps, schema_editor):
    Dataset = apps.get_model("repository", "Dataset")
    seen: dict[tuple, str] = {}
    duplicates = []
    for accession, organisation_id, alias in Dataset.objects.order_by("created").values_list(
            "accession", "organisation_id", "alias"):
        first = seen.setdefault((organisation_id, alias), accession)
        if first != accession:
            duplicates.append(f"{accession} (same organisation and alias {alias!r} as {first})")
    if duplicates:
        raise RuntimeError("datasets must have one alias per organisation; merge or delete these first: "
                           + "; ".join(duplicates))


class Migration(migrations.Migration):

    dependencies = [
        ('access', '0002_role_groups'),
        ('repository', '0003_search_vector'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='accession',
            name='repository__dataset_27c3d1_idx',
        ),
        migrations.AddField(
            model_name='accession',
            name='foreign',
            field=models.BooleanField(default=False, help_text='Issued by another repository and accepted on import'),
        ),
        migrations.AddField(
            model_name='datasetversion',
            name='datacite_xml',
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name='datasetversion',
            name='foreign_accessions',
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AlterField(
            model_name='accession',
            name='alias',
            field=models.TextField(blank=True),
        ),
        migrations.AlterField(
            model_name='annotationfile',
            name='filename',
            field=models.TextField(),
        ),
        migrations.AlterField(
            model_name='datasetorganisation',
            name='datamanager_perun_group',
            field=models.TextField(blank=True),
        ),
        migrations.AlterField(
            model_name='datasetorganisation',
            name='name',
            field=models.TextField(),
        ),
        migrations.AlterField(
            model_name='datasetorganisation',
            name='pic_code',
            field=models.TextField(blank=True),
        ),
        migrations.AlterField(
            model_name='datasetversion',
            name='contact_email',
            field=models.TextField(blank=True),
        ),
        migrations.AlterField(
            model_name='datasetversion',
            name='dataset_type',
            field=models.TextField(blank=True),
        ),
        migrations.AlterField(
            model_name='datasetversion',
            name='doi',
            field=models.TextField(blank=True),
        ),
        migrations.AlterField(
            model_name='datasetversion',
            name='metadata_standard',
            field=models.TextField(),
        ),
        migrations.AlterField(
            model_name='datasetversion',
            name='short_name',
            field=models.TextField(),
        ),
        migrations.AlterField(
            model_name='datasetversion',
            name='title',
            field=models.TextField(),
        ),
        migrations.AlterField(
            model_name='datasetversion',
            name='version_label',
            field=models.TextField(help_text="The bundle's VERSION element"),
        ),
        migrations.AlterField(
            model_name='imagefile',
            name='filename',
            field=models.TextField(),
        ),
        migrations.AlterField(
            model_name='landingpage',
            name='rems_access_link',
            field=models.TextField(blank=True),
        ),
        migrations.AlterField(
            model_name='remslink',
            name='organisation_id',
            field=models.TextField(),
        ),
        migrations.AlterField(
            model_name='remslink',
            name='workflow_id',
            field=models.TextField(),
        ),
        migrations.RunPython(refuse_duplicate_datasets, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='dataset',
            constraint=models.UniqueConstraint(fields=('organisation', 'alias'), name='dataset_alias_unique_per_organisation'),
        ),
        migrations.AddConstraint(
            model_name='dataset',
            constraint=models.UniqueConstraint(condition=models.Q(('organisation__isnull', True)), fields=('alias',), name='dataset_alias_unique_without_organisation'),
        ),
    ]
