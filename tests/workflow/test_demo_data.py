"""The demo data commands: ``load_demo_data`` builds a tree, officials and filings in every state through
the services; ``demo_logins`` prints the fixed logins."""

import itertools
import re
from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Model

from declarations.content import family_register_numbers
from declarations.models import (
    CompanyHolder,
    Conclusion,
    Declaration,
    DeclarationRevision,
    DeclarationState,
    DeclaredCompany,
    Nomination,
    Official,
    Organisation,
    OrganisationKind,
    Position,
    PublicSnapshot,
    canonical_hash,
)
from workflow import audit, demo, nominations, policies, referrals, verification
from workflow.models import TransitionLog

User = get_user_model()
S = DeclarationState
SEED = 7
OFFICIALS = 30
# The nominees are officials too (without a position until appointed).
NOMINEES = len(demo.NOMINATIONS)


def load(*args: str) -> str:
    out = StringIO()
    call_command("load_demo_data", "--officials", str(OFFICIALS), "--seed", str(SEED), *args, stdout=out)
    return out.getvalue()


def logins_output() -> str:
    out = StringIO()
    call_command("demo_logins", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    models: list[type[Model]] = [
        Organisation,
        User,
        Official,
        Position,
        Declaration,
        DeclarationRevision,
        PublicSnapshot,
        TransitionLog,
        Nomination,
    ]
    return {model.__name__: model._default_manager.count() for model in models}


@pytest.fixture(scope="class")
def loaded(django_db_setup, django_db_blocker):
    """The demo loaded once for the tests of a class, rolled back after them (each test runs in a savepoint)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield load()
        transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.usefixtures("loaded")
class TestLoadedDemo:
    """Read-only checks on one load of the demo (``--officials 30``)."""

    def test_summary_counts_every_state(self, loaded):
        assert "Demo data loaded" in loaded
        for state in S.values:
            assert re.search(rf"\b{state} [1-9]\d*\b", loaded), state
        assert "nominations: 2 (declared: 1, concluded: 1)" in loaded
        assert Official.objects.count() == OFFICIALS + NOMINEES

    def test_last_years_campaign_is_open_and_the_filed_declarations_fulfil_it(self):
        from django.db.models import Count
        from django.utils import timezone

        from declarations.models import Campaign, Declaration, Obligation

        year = timezone.localdate().year - 1
        campaign = Campaign.objects.get()
        obligations = Obligation.objects.filter(kind="annual", period=year)
        filed = Declaration.objects.filter(kind="annual", year=year, submitted_at__isnull=False)
        assert (campaign.year, campaign.due_date.isoformat()) == (year, f"{year + 1}-02-15")
        assert obligations.count() >= filed.count() > 0
        by_state = dict(obligations.values_list("state").annotate(n=Count("pk")))
        fulfilled = by_state.get("fulfilled_on_time", 0) + by_state.get("fulfilled_late", 0)
        assert fulfilled == filed.values("position").distinct().count()
        assert set(by_state) <= {"fulfilled_on_time", "fulfilled_late", "open", "overdue"}

    def test_a_tender_is_declaring_with_a_flagged_notice_and_a_late_notice_exists(self):
        from declarations.models import Notice, RedFlag, Tender

        tender = Tender.objects.get(reference_number="ТШ-2026/01")
        assert tender.state == "declaring"
        assert tender.secretary.username == demo.OFFICIAL_USERNAME
        assert sorted(tender.members.values_list("kind", flat=True)) == ["citizen", "official"]
        filer_notice = Notice.objects.get(tender=tender, filer__username=demo.FILER_USERNAME)
        assert filer_notice.state == "submitted"
        assert RedFlag.objects.filter(notice=filer_notice, resolved_at__isnull=True).count() == 1
        late = Notice.objects.get(reference_number="ГЭ-2026/17")
        assert (late.state, late.is_late, late.category.code) == ("submitted", True, "contract")

    def test_organisations_form_a_tree_with_soums_under_the_aimag_office(self):
        root = Organisation.objects.get(parent=None)
        assert root.kind == OrganisationKind.GOVERNOR_OFFICE
        assert root.code == demo.ROOT_CODE
        organisations = list(Organisation.objects.all())
        assert 15 <= len(organisations) <= 20
        assert Organisation.objects.filter(parent=None).count() == 1
        for organisation in organisations:
            assert organisation.path.startswith(root.path)
            assert organisation.ancestors_and_self_ids()[-1] == organisation.pk
        soums = Organisation.objects.filter(kind=OrganisationKind.SOUM_OFFICE)
        assert soums.count() >= 3
        assert all(soum.parent_id == root.pk for soum in soums)
        assert {OrganisationKind.DEPARTMENT, OrganisationKind.AGENCY} <= {o.kind for o in organisations}

    def test_officials_have_valid_unique_register_numbers_and_positions(self):
        numbers = list(Official.objects.values_list("register_number", flat=True))
        assert len(numbers) == len(set(numbers)) == OFFICIALS + NOMINEES
        assert all(re.fullmatch(r"[А-ЯЁӨҮ]{2}[0-9]{8}", number) for number in numbers)
        assert Position.objects.filter(declaration_required=False).exists()
        assert Position.objects.filter(declaration_required=True).count() > OFFICIALS // 2
        assert not Official.objects.filter(
            user__username__in=[demo.ADMIN_USERNAME, demo.SUPERVISOR_USERNAME, demo.AGENCY_USERNAME]
        ).exists()
        assert Official.objects.filter(positions__isnull=True).count() == NOMINEES
        # Nobody is listed as a family member of another official (the reviewer separation rule stays quiet).
        assert not any(
            family_register_numbers(declaration.content) & set(numbers) for declaration in Declaration.objects.all()
        )

    def test_declarations_in_every_state_a_published_correction_and_family_companies(self):
        assert set(Declaration.objects.values_list("state", flat=True)) == set(S.values)
        corrections = list(Declaration.objects.filter(corrects__isnull=False, state=S.PUBLISHED))
        assert corrections
        for correction in corrections:
            original = correction.corrects
            assert original is not None
            assert original.state == S.PUBLISHED
            assert correction.public_snapshot.corrects == original.public_snapshot
            assert correction.revisions.get().content != original.revisions.get().content
        withdrawn = PublicSnapshot.objects.get(declaration__state=S.WITHDRAWN)
        assert withdrawn.withdrawn_at is not None
        assert withdrawn.withdrawal_reason
        assert {"annual", "appointment", "significant_change", "preliminary"} == set(
            Declaration.objects.values_list("kind", flat=True)
        )
        assert {2024, 2025} <= set(Declaration.objects.values_list("year", flat=True))
        assert DeclaredCompany.objects.filter(holder=CompanyHolder.FAMILY).exists()
        assert DeclaredCompany.objects.values("register_number").distinct().count() > 3

    def test_the_fixed_logins_authenticate_with_the_demo_password(self):
        for username in demo.DEMO_USERNAMES:
            assert authenticate(username=username, password=demo.DEMO_PASSWORD) is not None, username
        assert authenticate(username=demo.FILER_USERNAME, password="wrong") is None
        assert User.objects.get(username=demo.ADMIN_USERNAME).is_superuser
        supervisor = User.objects.get(username=demo.SUPERVISOR_USERNAME)
        assert supervisor.has_perm("declarations.view_all_declarations")
        assert supervisor.has_perm("declarations.withdraw_publication")
        assert supervisor.has_perm("declarations.assign_reviewers")
        assert not supervisor.is_superuser
        agency = User.objects.get(username=demo.AGENCY_USERNAME)
        assert agency.has_perm("declarations.agency_review")
        assert not agency.has_perm("declarations.assign_reviewers")
        assert not agency.has_perm("declarations.view_all_declarations")

    def test_authorised_officials_have_the_right_scope(self):
        root = Organisation.objects.get(code=demo.ROOT_CODE)
        soum = Organisation.objects.get(code=demo.EBAT_SOUM_CODE)
        ebat = User.objects.get(username=demo.EBAT_USERNAME)
        ebat_soum = User.objects.get(username=demo.EBAT_SOUM_USERNAME)

        assert policies.reviewer_organisation_paths(ebat) == (root.path,)
        assert policies.reviewer_organisation_paths(ebat_soum) == (soum.path,)
        queue = list(policies.review_queue_for(ebat))
        soum_queue = list(policies.review_queue_for(ebat_soum))
        assert queue
        assert soum_queue
        assert {d.organisation_id for d in soum_queue} == {soum.pk}
        assert set(soum_queue) < set(queue)
        assert len({d.organisation_id for d in queue}) > 1
        assert ebat.official.positions.get().organisation == root
        assert ebat_soum.official.positions.get().organisation == soum
        # A filer's own declaration waits for the second ЭБАТ of the aimag office, not for the filer.
        assert not [d for d in queue if d.official.user_id == ebat.pk]
        assert Declaration.objects.filter(official__user=ebat, state__in=policies.REVIEW_QUEUE_STATES).exists()

    def test_filer_and_official_have_the_documented_declarations(self):
        filer_states = list(
            Declaration.objects.filter(official__user__username=demo.FILER_USERNAME).values_list("state", flat=True)
        )
        assert filer_states.count(S.RETURNED) == 1
        assert filer_states.count(S.DRAFT) == 1
        assert len(set(filer_states)) >= 3
        returned = Declaration.objects.get(official__user__username=demo.FILER_USERNAME, state=S.RETURNED)
        last_return = audit.latest_return(returned)
        assert last_return is not None
        assert last_return.comment
        assert last_return.remarks
        assert last_return.remarks[0]["path"]
        assert DeclaredCompany.objects.filter(
            official__user__username=demo.FILER_USERNAME, holder=CompanyHolder.FAMILY
        ).exists()
        official_states = list(
            Declaration.objects.filter(official__user__username=demo.OFFICIAL_USERNAME).values_list("state", flat=True)
        )
        assert official_states == [S.DRAFT]

    def test_every_transition_log_chain_matches_the_declaration_state(self):
        for declaration in Declaration.objects.all():
            rows = list(audit.history_for(declaration).order_by("id"))
            if declaration.state == S.DRAFT:
                assert rows == []
                continue
            assert rows, declaration.pk
            assert rows[0].from_state == S.DRAFT
            assert rows[0].previous_hash == ""
            assert rows[-1].to_state == declaration.state
            for previous, row in itertools.pairwise(rows):
                assert row.previous_hash == previous.hash
                assert row.from_state == previous.to_state
            for row in rows:
                assert row.hash == canonical_hash(audit.log_payload(row))
            submissions = sum(row.transition in ("submit", "resubmit") for row in rows)
            assert declaration.revisions.count() == submissions

    def test_verify_audit_finds_every_chain_revision_and_snapshot_intact(self):
        report = verification.verify()

        assert (report.problems, report.problem_count) == ([], 0)
        assert report.checked["Declaration states"] == Declaration.objects.count()
        assert report.checked["global chain rows"] == report.checked["log rows"] == TransitionLog.objects.count()
        assert report.checked["public snapshots"] == PublicSnapshot.objects.count()

    def test_the_hr_officer_has_a_nomination_waiting_for_the_agency_and_one_concluded_and_published(self):
        root = Organisation.objects.get(code=demo.ROOT_CODE)
        hr = User.objects.get(username=demo.HR_USERNAME)
        agency = User.objects.get(username=demo.AGENCY_USERNAME)
        assert hr.has_perm("declarations.manage_nominations", root)
        assert hr.official.positions.get().organisation == root
        assert sorted(policies.visible_nominations(hr).values_list("position_title", "state")) == sorted(
            (title, {S.SUBMITTED: "declared", S.PUBLISHED: "concluded"}[state]) for title, state in demo.NOMINATIONS
        )

        declared = Nomination.objects.get(state="declared")
        waiting = nominations.preliminary_declaration(declared)
        assert waiting is not None
        assert (waiting.kind, waiting.state, waiting.position_id) == ("preliminary", S.SUBMITTED, None)
        assert referrals.assigned_reviewer(waiting) == agency
        assert waiting in policies.review_queue_for(agency)
        assert nominations.available_nomination_transitions(declared, hr) == ["withdraw"]
        assert not declared.nominee.user.has_usable_password()

        concluded = Nomination.objects.get(state="concluded")
        published = nominations.preliminary_declaration(concluded)
        assert published is not None
        assert published.state == S.PUBLISHED
        assert Conclusion.objects.get(declaration=published).finding == "no_obstacle"
        assert published.public_snapshot.conclusion["finding"] == "no_obstacle"
        assert "internal_notes" not in published.public_snapshot.conclusion
        assert nominations.available_nomination_transitions(concluded, hr) == ["appoint", "withdraw"]
        # an organisation's ЭБАТ sees neither
        ebat = User.objects.get(username=demo.EBAT_USERNAME)
        assert not policies.visible_declarations(ebat).filter(kind="preliminary").exists()
        assert not policies.visible_nominations(ebat).exists()

    def test_a_referred_declaration_waits_for_an_agency_reviewer_and_one_was_concluded(self):
        referred = Declaration.objects.get(state=S.REFERRED)
        assert referrals.assigned_reviewer(referred) is None
        assert audit.history_for(referred).get(transition="refer").comment == demo.REFERRAL_REASON
        supervisor = User.objects.get(username=demo.SUPERVISOR_USERNAME)
        # the supervisor sees it, to assign it to a reviewer
        assert policies.get_visible_declaration(supervisor, referred.pk) == referred
        concluded = Declaration.objects.get(state=S.CONCLUDED)
        assert (concluded.kind, concluded.conclusions.get().finding) == ("significant_change", "violation_found")
        assert referrals.assigned_reviewer(concluded) == User.objects.get(username=demo.AGENCY_USERNAME)
        assert not PublicSnapshot.objects.filter(declaration=concluded).exists()

    def test_if_empty_on_a_loaded_database_changes_nothing(self, loaded):
        before = counts()

        output = load("--if-empty")

        assert counts() == before
        assert "not loaded" in output
        with pytest.raises(CommandError, match="already"):
            load()
        assert counts() == before

    def test_demo_logins_lists_every_login(self):
        output = logins_output()

        for login in demo.DEMO_LOGINS:
            assert login.username in output
            assert login.role_en in output
            assert login.role_mn in output
        assert demo.DEMO_PASSWORD in output
        for url in (
            "http://127.0.0.1:8000/",
            "http://127.0.0.1:8000/admin/",
            "http://127.0.0.1:8000/api/v1/schema/swagger-ui/",
        ):
            assert url in output

    def test_demo_logins_does_not_show_a_password_that_no_longer_works(self):
        admin = User.objects.get(username=demo.ADMIN_USERNAME)
        admin.set_password("another-password-123")
        admin.save()

        line = next(line for line in logins_output().splitlines() if line.strip().startswith(demo.ADMIN_USERNAME))

        assert demo.DEMO_PASSWORD not in line
        assert "changed" in line


@pytest.mark.django_db
def test_demo_logins_says_to_load_the_demo_first():
    output = logins_output()

    assert "make demo" in output
    assert demo.DEMO_PASSWORD not in output


@pytest.mark.django_db
def test_if_empty_loads_an_empty_database():
    output = load("--if-empty")

    assert "Demo data loaded" in output
    assert Official.objects.count() == OFFICIALS + NOMINEES


class _Rollback(Exception):
    pass


def _names_after_loading(seed: int) -> list[tuple[str, str]]:
    names: list[tuple[str, str]] = []
    try:
        with transaction.atomic():
            call_command("load_demo_data", "--officials", str(OFFICIALS), "--seed", str(seed), stdout=StringIO())
            names = list(Official.objects.order_by("pk").values_list("full_name", "register_number"))
            raise _Rollback
    except _Rollback:
        pass
    return names


@pytest.mark.django_db
def test_same_seed_gives_the_same_officials():
    first = _names_after_loading(SEED)
    assert not Organisation.objects.exists()  # rolled back

    assert _names_after_loading(SEED) == first
    plan = demo.plan_demo(officials=OFFICIALS, seed=SEED)
    assert [person.full_name for person in plan.people] + [n.person.full_name for n in plan.nominations] == [
        name for name, _number in first
    ]
    other = demo.plan_demo(officials=OFFICIALS, seed=SEED + 1)
    assert [person.full_name for person in other.people] != [name for name, _number in first]


@pytest.mark.django_db
def test_too_few_officials_is_refused():
    with pytest.raises(CommandError, match="at least"):
        call_command("load_demo_data", "--officials", "3", stdout=StringIO())
    assert not Organisation.objects.exists()
