"""PostgreSQL-only statistics for the public catalogue (measured by `make bench BENCH=catalogue`).

The planner estimates `facet = 'species' AND value = 'Homo sapiens'` as the product of
two independent selectivities, about 10x too low, since the value determines the facet;
it then picks nested loops. Extended statistics (functional dependencies and the most
common (facet, value) pairs) give it the real counts. Full-text search has its own
stored vector and index (0003). SQLite gets neither.
"""

from django.db import migrations

STATISTICS = "repository_datasetfacet_facet_value_stats"
POSTGRES_UP = [
    f"CREATE STATISTICS IF NOT EXISTS {STATISTICS} (dependencies, mcv) ON facet, value "
    "FROM repository_datasetfacet",
    "ANALYZE repository_datasetfacet",
]
POSTGRES_DOWN = [
    f"DROP STATISTICS IF EXISTS {STATISTICS}",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_UP:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_DOWN:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("repository", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
