"""The public register's test data: an aimag office with a department and an unrelated aimag, and five
published records (three declarations, a notice, and a withdrawn declaration), shared by the workflow, API
and web tests of the register (the ``tree`` and ``records`` fixtures in ``tests/conftest.py``)."""

from __future__ import annotations

from types import SimpleNamespace

from declarations.models import PublicSnapshot
from tests.factories import OrganisationFactory, PositionFactory, make_declaration, make_reviewer, make_supervisor
from tests.notice_factories import make_notice


def register_tree():
    """An aimag office with a department under it and an unrelated aimag, each with its ЭБАТ."""
    aimag = OrganisationFactory(kind="governor_office", name="Дорноговь аймгийн ЗДТГ")
    department = OrganisationFactory(parent=aimag, name="Санхүүгийн хэлтэс")
    elsewhere = OrganisationFactory(kind="governor_office", name="Өмнөговь аймгийн ЗДТГ")
    return SimpleNamespace(
        aimag=aimag,
        department=department,
        elsewhere=elsewhere,
        reviewer=make_reviewer(aimag),
        foreign_reviewer=make_reviewer(elsewhere),
        supervisor=make_supervisor(),
    )


def publish_declaration(tree, organisation, *, name, title, kind="annual", year=2025, state="published"):
    """A declaration of a new official published (or published and withdrawn); returns its snapshot."""
    position = PositionFactory(organisation=organisation, title=title, official__full_name=name)
    reviewer = tree.foreign_reviewer if organisation == tree.elsewhere else tree.reviewer
    declaration = make_declaration(
        state, position=position, reviewer=reviewer, supervisor=tree.supervisor, kind=kind, year=year
    )
    return PublicSnapshot.objects.get(declaration=declaration)


def publish_notice(tree, organisation, *, name, title, action_date="2023-06-01"):
    position = PositionFactory(organisation=organisation, title=title, official__full_name=name)
    notice = make_notice("published", position=position, reviewer=tree.reviewer, action_date=action_date)
    return PublicSnapshot.objects.get(notice=notice)


def register_records(tree):
    """Five records, published in this order: three declarations, a notice, and a withdrawn declaration."""
    return SimpleNamespace(
        tree=tree,
        bold=publish_declaration(tree, tree.department, name="Батын Болд", title="Хэлтсийн дарга", year=2024),
        saraa=publish_declaration(
            tree, tree.aimag, name="Доржийн Сараа", title="Ахлах мэргэжилтэн", kind="appointment"
        ),
        bat=publish_declaration(tree, tree.elsewhere, name="Болдын Бат", title="Нягтлан бодогч"),
        nomin=publish_notice(tree, tree.department, name="Сүхийн Номин", title="Мэргэжилтэн"),
        oyun=publish_declaration(
            tree,
            tree.department,
            name="Ганбатын Оюун",
            title="Хэлтсийн дарга",
            kind="significant_change",
            state="withdrawn",
        ),
    )
