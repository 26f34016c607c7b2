"""Database triggers that refuse UPDATE and DELETE on the audit log."""

from django.db import migrations

TABLE = "governance_auditevent"

POSTGRES_UP = f"""
CREATE OR REPLACE FUNCTION governance_audit_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER governance_audit_no_update BEFORE UPDATE OR DELETE ON {TABLE}
  FOR EACH ROW EXECUTE FUNCTION governance_audit_append_only();
"""
POSTGRES_DOWN = f"""
DROP TRIGGER IF EXISTS governance_audit_no_update ON {TABLE};
DROP FUNCTION IF EXISTS governance_audit_append_only();
"""
# SQLite (the embedded default) has no TRUNCATE, and `flush` must still work there,
# so it only refuses UPDATE; deleted rows are caught by the hash chain and anchors.
SQLITE_UP = [
    f"CREATE TRIGGER governance_audit_no_update BEFORE UPDATE ON {TABLE} "
    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS governance_audit_no_update;"]


def _run(schema_editor, postgres, sqlite):
    vendor = schema_editor.connection.vendor
    statements = [postgres] if vendor == "postgresql" else sqlite if vendor == "sqlite" else []
    for statement in statements:
        schema_editor.execute(statement)


def forwards(apps, schema_editor):
    _run(schema_editor, POSTGRES_UP, SQLITE_UP)


def backwards(apps, schema_editor):
    _run(schema_editor, POSTGRES_DOWN, SQLITE_DOWN)


class Migration(migrations.Migration):
    dependencies = [("governance", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
