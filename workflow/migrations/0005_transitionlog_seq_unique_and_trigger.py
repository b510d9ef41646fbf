"""``seq`` becomes required and unique (two rows can never take the same place in the global chain), and on
PostgreSQL a trigger refuses every UPDATE and DELETE of a log row, whoever sends it: the ORM already refuses
them (``ImmutableModel``), raw SQL and other clients now do too. TRUNCATE fires no row trigger (the test
database's teardown relies on that; keep the table's ownership, which TRUNCATE needs, away from the
application's role). A later migration that must rewrite rows disables the trigger around its work.
"""

from django.db import migrations, models

CREATE = """
CREATE OR REPLACE FUNCTION workflow_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are append-only: % of row % refused', TG_TABLE_NAME, TG_OP, OLD.id
        USING ERRCODE = 'restrict_violation';
END;
$$;
CREATE TRIGGER workflow_transitionlog_append_only
    BEFORE UPDATE OR DELETE ON workflow_transitionlog
    FOR EACH ROW EXECUTE FUNCTION workflow_refuse_change();
"""

DROP = """
DROP TRIGGER IF EXISTS workflow_transitionlog_append_only ON workflow_transitionlog;
DROP FUNCTION IF EXISTS workflow_refuse_change();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("workflow", "0004_transitionlog_global_chain_data"),
    ]

    operations = [
        migrations.AlterField(
            model_name="transitionlog",
            name="seq",
            field=models.PositiveBigIntegerField(unique=True),
        ),
        migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP)),
    ]
