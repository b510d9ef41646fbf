"""On PostgreSQL, triggers refuse in SQL what the models refuse through the ORM, whoever sends it.

- ``declarations_declarationrevision`` (frozen revisions) and ``declarations_conclusion``: every UPDATE and
  DELETE.
- ``declarations_publicsnapshot``: every DELETE, and every UPDATE but the withdrawal tombstone, once: from
  no ``withdrawn_at`` to one, with a reason, every other column unchanged (``declaration_withdraw_publication``
  and ``notice_withdraw_publication`` write exactly that).

TRUNCATE fires no row trigger (the test database's teardown relies on that; keep the tables' ownership,
which TRUNCATE needs, away from the application's role). A later migration that must rewrite rows disables
the trigger around its work. SQLite has no such guard: there the models' refusal and ``verify_audit`` are it.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION declarations_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are immutable: % of row % refused', TG_TABLE_NAME, TG_OP, OLD.id
        USING ERRCODE = 'restrict_violation';
END;
$$;
CREATE TRIGGER declarations_declarationrevision_immutable
    BEFORE UPDATE OR DELETE ON declarations_declarationrevision
    FOR EACH ROW EXECUTE FUNCTION declarations_refuse_change();
CREATE TRIGGER declarations_conclusion_immutable
    BEFORE UPDATE OR DELETE ON declarations_conclusion
    FOR EACH ROW EXECUTE FUNCTION declarations_refuse_change();

CREATE OR REPLACE FUNCTION declarations_publicsnapshot_tombstone_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
        AND OLD.withdrawn_at IS NULL
        AND NEW.withdrawn_at IS NOT NULL
        AND NEW.withdrawal_reason <> ''
        AND to_jsonb(NEW) - 'withdrawn_at' - 'withdrawal_reason' = to_jsonb(OLD) - 'withdrawn_at' - 'withdrawal_reason'
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '% rows are immutable but for their withdrawal, once: % of row % refused',
        TG_TABLE_NAME, TG_OP, OLD.id
        USING ERRCODE = 'restrict_violation';
END;
$$;
CREATE TRIGGER declarations_publicsnapshot_tombstone_only
    BEFORE UPDATE OR DELETE ON declarations_publicsnapshot
    FOR EACH ROW EXECUTE FUNCTION declarations_publicsnapshot_tombstone_only();
"""

DROP = """
DROP TRIGGER IF EXISTS declarations_publicsnapshot_tombstone_only ON declarations_publicsnapshot;
DROP FUNCTION IF EXISTS declarations_publicsnapshot_tombstone_only();
DROP TRIGGER IF EXISTS declarations_conclusion_immutable ON declarations_conclusion;
DROP TRIGGER IF EXISTS declarations_declarationrevision_immutable ON declarations_declarationrevision;
DROP FUNCTION IF EXISTS declarations_refuse_change();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("declarations", "0007_rehash_revisions_and_snapshots"),
    ]

    operations = [
        migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP)),
    ]
