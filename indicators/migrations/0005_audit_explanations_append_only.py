"""The audit trail records explanations too, and the database refuses to rewrite it.

PostgreSQL (production): a trigger refuses UPDATE and DELETE on the two audit tables, for every account
the application connects as; only someone who can alter the table (a DBA) can get round it. TRUNCATE,
which Django's test flush uses, fires no row trigger.

SQLite (development and the fast tests): UPDATE only. Django's flush on SQLite is a DELETE of every row,
so a delete trigger there would break every test that commits; the admin and the API already offer no
delete, and PostgreSQL is what holds real figures.
"""
from django.db import migrations, models

TABLES = ("indicators_valuechange", "indicators_submissiontransition")

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION indicators_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = 'restrict_violation',
        MESSAGE = 'audit rows are append-only: ' || TG_OP || ' on ' || TG_TABLE_NAME || ' refused';
END;
$$ LANGUAGE plpgsql;
"""


def _statements(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [PG_FUNCTION] + [
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION indicators_audit_append_only();"
            for table in TABLES
        ]
    if vendor == "sqlite":
        return [
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END;"
            for table in TABLES
        ]
    return []


def _reverse_statements(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};" for table in TABLES] + [
            "DROP FUNCTION IF EXISTS indicators_audit_append_only();"]
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {table}_append_only;" for table in TABLES]
    return []


def add_guard(apps, schema_editor):
    for sql in _statements(schema_editor.connection.vendor):
        schema_editor.execute(sql, params=None)  # None: no %-interpolation


def drop_guard(apps, schema_editor):
    for sql in _reverse_statements(schema_editor.connection.vendor):
        schema_editor.execute(sql, params=None)  # None: no %-interpolation


class Migration(migrations.Migration):

    dependencies = [
        ('indicators', '0004_indicator_grows_with_reports'),
    ]

    operations = [
        migrations.AddField(
            model_name='valuechange',
            name='old_explanation',
            field=models.TextField(blank=True, default='', verbose_name='原说明 old explanation'),
        ),
        migrations.AddField(
            model_name='valuechange',
            name='new_explanation',
            field=models.TextField(blank=True, default='', verbose_name='新说明 new explanation'),
        ),
        migrations.RunPython(add_guard, drop_guard),
    ]
