"""Organisations, officials and positions, declarations with their frozen revisions and public snapshots.

State changes happen only through the transition methods below, and those are called only by the
transition services in ``workflow.services``: the methods set fields on ``self`` and nothing else.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from typing import Any, TypeVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from declarations import rules


class ImmutableRowError(Exception):
    """Raised when code tries to change or delete a row that is append-only."""


def canonical_hash(payload: Any) -> str:
    """SHA-256 over a canonical JSON form (sorted keys, no whitespace, UTF-8)."""
    encoded = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def canonical_time(moment: datetime.datetime | None) -> str | None:
    """A moment as hashed: ISO 8601 in UTC, so a row hashes the same when it is read back from the database,
    whatever time zone it was written in."""
    return moment.astimezone(datetime.UTC).isoformat() if moment is not None else None


class OrganisationKind(models.TextChoices):
    GOVERNOR_OFFICE = "governor_office", _("Governor's office")
    DEPARTMENT = "department", _("Department")
    AGENCY = "agency", _("Agency")
    SOUM_OFFICE = "soum_office", _("Soum governor's office")
    OTHER = "other", _("Other")


class Organisation(models.Model):
    """A public body; organisations form a tree (aimag governor's office → departments, agencies, soums)."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=255)
    name_en = models.CharField(_("name in English"), max_length=255, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path of primary keys, "/1/5/12/": a subtree is one indexed prefix match.
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["path"]
        permissions = [
            ("review_filings", _("Review the filings of this organisation and its subtree")),
            ("manage_nominations", _("Register nominees and record appointments in this organisation")),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        old_path = self.path
        creating = self.pk is None
        if creating:
            super().save(*args, **kwargs)
        self.path = f"{self.parent.path if self.parent else '/'}{self.pk}/"
        if creating:
            Organisation.objects.filter(pk=self.pk).update(path=self.path)
            return
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "path"}
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            # Re-root the subtree when the organisation moves under another parent.
            for child in Organisation.objects.filter(path__startswith=old_path).exclude(pk=self.pk):
                Organisation.objects.filter(pk=child.pk).update(path=self.path + child.path[len(old_path) :])

    def ancestors_and_self_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part]


class Official(models.Model):
    """A public official (the declarant), linked to the account they sign in with."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="official"
    )
    full_name = models.CharField(_("full name"), max_length=255)
    # Case-folded copy for search: SQLite's icontains folds ASCII only, and names are Cyrillic.
    full_name_search = models.CharField(max_length=255, editable=False, db_index=True, default="")
    # Private: never published and never shown to anyone but the official and the back office.
    register_number = models.CharField(_("registration number"), max_length=10, unique=True)

    class Meta:
        verbose_name = _("official")
        verbose_name_plural = _("officials")
        ordering = ["full_name", "pk"]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.full_name_search = self.full_name.casefold()
        self.register_number = self.register_number.strip().upper()
        if kwargs.get("update_fields") and "full_name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "full_name_search"}
        super().save(*args, **kwargs)


class Position(models.Model):
    """An official's post in an organisation; posts that require a declaration create filing duties."""

    official = models.ForeignKey(
        Official, verbose_name=_("official"), on_delete=models.PROTECT, related_name="positions"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="positions"
    )
    title = models.CharField(_("title"), max_length=255)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    declaration_required = models.BooleanField(_("declaration required"), default=True)

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["-start_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="position_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.organisation})"


class DeclarationKind(models.TextChoices):
    APPOINTMENT = "appointment", _("On appointment")
    ANNUAL = "annual", _("Annual")
    SIGNIFICANT_CHANGE = "significant_change", _("Significant change")
    PRELIMINARY = "preliminary", _("Preliminary, before appointment (ХАСУМ)")


class DeclarationState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    RETURNED = "returned", _("Returned for correction")
    ACCEPTED = "accepted", _("Accepted")
    REFERRED = "referred", _("Referred to the agency")
    CONCLUDED = "concluded", _("Concluded by the agency")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Publication withdrawn")
    DISCARDED = "discarded", _("Discarded")


S = DeclarationState


class Declaration(FSMModelMixin, models.Model):
    """A declaration of private interests, assets and income (ХАСХОМ), or a nominee's preliminary one (ХАСУМ).

    A preliminary declaration has no position yet (the nominee is not appointed): it belongs to its
    nomination, and the agency reviews and concludes it instead of an authorised official accepting it.
    """

    official = models.ForeignKey(
        Official, verbose_name=_("official"), on_delete=models.PROTECT, related_name="declarations"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="declarations"
    )
    position = models.ForeignKey(
        Position,
        verbose_name=_("position"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="declarations",
    )
    nomination = models.ForeignKey(
        "declarations.Nomination",
        verbose_name=_("nomination"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="declarations",
    )
    kind = models.CharField(_("kind"), max_length=32, choices=DeclarationKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    form_version = models.CharField(_("form version"), max_length=16)
    # The working copy the filer edits while the declaration is a draft or returned.
    content = models.JSONField(_("content"), default=dict)
    state = FSMField(_("state"), max_length=32, choices=DeclarationState.choices, default=S.DRAFT, protected=True)
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("declaration")
        verbose_name_plural = _("declarations")
        ordering = ["-created_at", "-pk"]
        permissions = [
            ("review_declaration", _("Review this declaration")),
            ("withdraw_publication", _("Withdraw a published declaration")),
            ("view_all_declarations", _("See every declaration")),
            ("assign_reviewers", _("Assign filings to the agency's reviewers")),
            ("agency_review", _("Review the filings the agency assigns")),
        ]
        indexes = [
            models.Index(fields=["organisation", "state", "submitted_at"], name="decl_org_state_submitted"),
            models.Index(fields=["official", "kind", "year"], name="decl_official_kind_year"),
            models.Index(fields=["state", "submitted_at"], name="decl_state_submitted"),
        ]
        constraints = [
            # One annual and one appointment declaration per position and year; corrections and
            # discarded drafts do not count.
            models.UniqueConstraint(
                fields=["position", "kind", "year"],
                condition=Q(kind__in=["annual", "appointment"], corrects__isnull=True) & ~Q(state="discarded"),
                name="decl_one_original_per_position_kind_year",
            ),
            # A preliminary declaration belongs to a nomination and has no position; every other kind
            # belongs to a position.
            models.CheckConstraint(
                condition=(Q(kind="preliminary", position__isnull=True, nomination__isnull=False))
                | (~Q(kind="preliminary") & Q(position__isnull=False, nomination__isnull=True)),
                name="decl_position_or_nomination",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year} — {self.official}"

    @property
    def position_title(self) -> str:
        """The post declared for: the position held, or the one a nominee is nominated to."""
        if self.position is not None:
            return self.position.title
        return self.nomination.position_title if self.nomination is not None else ""

    # --- The state graph (DESIGN §3). Methods set fields on self only. ---------------------------------

    @transition(field=state, source=S.DRAFT, target=S.SUBMITTED, permission=rules.is_filer)
    def submit(self, *, at: Any) -> None:
        """The filer submits the declaration for review; the content is frozen as a revision."""
        self.submitted_at = at

    @transition(field=state, source=S.RETURNED, target=S.SUBMITTED, permission=rules.is_filer)
    def resubmit(self, *, at: Any) -> None:
        """The filer submits the corrected declaration again."""
        self.submitted_at = at

    @transition(field=state, source=S.SUBMITTED, target=S.UNDER_REVIEW, permission=rules.is_reviewer)
    def start_review(self) -> None:
        """The authorised official takes the declaration into review."""

    @transition(field=state, source=S.UNDER_REVIEW, target=S.RETURNED, permission=rules.is_reviewer)
    def return_for_correction(self) -> None:
        """The authorised official returns the declaration to the filer with remarks."""

    @transition(
        field=state,
        source=S.UNDER_REVIEW,
        target=S.ACCEPTED,
        permission=rules.is_reviewer,
        conditions=[rules.is_not_preliminary],
    )
    def accept(self, *, at: Any) -> None:
        """The authorised official accepts the declaration."""
        self.accepted_at = at

    @transition(
        field=state,
        source=S.UNDER_REVIEW,
        target=S.REFERRED,
        permission=rules.is_reviewer,
        conditions=[rules.is_not_preliminary],
    )
    def refer(self) -> None:
        """The authorised official refers the declaration to the agency for verification, with a reason."""

    @transition(
        field=state,
        source=[S.UNDER_REVIEW, S.REFERRED],
        target=S.CONCLUDED,
        permission=rules.is_agency_reviewer,
        conditions=[rules.agency_may_conclude],
    )
    def conclude(self, *, at: Any) -> None:
        """The agency concludes a preliminary declaration under review, or a referred declaration."""
        self.concluded_at = at

    @transition(
        field=state,
        source=[S.ACCEPTED, S.CONCLUDED],
        target=S.PUBLISHED,
        permission=rules.is_reviewer,
        conditions=[rules.has_frozen_revision, rules.conclusion_allows_publication],
    )
    def publish(self, *, at: Any) -> None:
        """The accepted (or concluded) declaration is published in the public register, redacted."""
        self.published_at = at

    @transition(field=state, source=S.PUBLISHED, target=S.WITHDRAWN, permission=rules.can_withdraw_publication)
    def withdraw_publication(self) -> None:
        """The agency withdraws a publication; a tombstone with the reason stays public."""

    @transition(field=state, source=S.DRAFT, target=S.DISCARDED, permission=rules.is_filer)
    def discard(self) -> None:
        """The filer discards a draft that was never submitted."""


_M = TypeVar("_M", bound=models.Model)


class ImmutableQuerySet(models.QuerySet[_M]):
    """A queryset that refuses ``update()`` and ``delete()`` (and so ``bulk_update()``): the ORM's bulk paths
    would otherwise go round the model's refusal. Raw SQL still could: on PostgreSQL, triggers refuse that too
    (migrations ``declarations.0008`` and ``workflow.0005``)."""

    def update(self, **kwargs: Any) -> int:
        raise ImmutableRowError(f"{self.model.__name__} rows are immutable.")

    update.alters_data = True  # type: ignore[attr-defined]

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ImmutableRowError(f"{self.model.__name__} rows cannot be deleted.")

    delete.alters_data = True  # type: ignore[attr-defined]
    delete.queryset_only = True  # type: ignore[attr-defined]


class ImmutableManager(models.Manager[_M]):
    def get_queryset(self) -> models.QuerySet[_M]:
        return ImmutableQuerySet(self.model, using=self._db)


class ImmutableModel(models.Model):
    """A row written once: saving an existing row or deleting one raises ``ImmutableRowError``, through the
    instance and through the queryset alike."""

    objects = ImmutableManager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableRowError(f"{type(self).__name__} rows are immutable.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableRowError(f"{type(self).__name__} rows cannot be deleted.")


class DeclarationRevision(ImmutableModel):
    """The content as submitted, frozen: every submission writes one, and it never changes.

    ``content_hash`` covers the content and what makes it this revision (``compute_hash``); ``manage.py
    verify_audit`` recomputes it and matches each revision with the submission the transition log records.
    """

    declaration = models.ForeignKey(Declaration, on_delete=models.PROTECT, related_name="revisions")
    number = models.PositiveIntegerField()
    form_version = models.CharField(max_length=16)
    content = models.JSONField()
    content_hash = models.CharField(max_length=64)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ["declaration", "number"]
        constraints = [
            models.UniqueConstraint(fields=["declaration", "number"], name="revision_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.declaration_id} r{self.number}"

    def compute_hash(self) -> str:
        """The hash ``content_hash`` holds: over the frozen content and the declaration, number, form version,
        submitter and time, so content moved to another revision, or renumbered, no longer matches."""
        return canonical_hash(
            {
                "declaration": self.declaration_id,
                "number": self.number,
                "form_version": self.form_version,
                "content": self.content,
                "submitted_by": self.submitted_by_id,
                "created_at": canonical_time(self.created_at),
            }
        )


class CompanyHolder(models.TextChoices):
    SELF = "self", _("The official")
    FAMILY = "family", _("A family member")


class DeclaredCompany(models.Model):
    """A company named in a frozen revision, kept as an indexed row for cross-checks against bidders."""

    revision = models.ForeignKey(DeclarationRevision, on_delete=models.PROTECT, related_name="companies")
    declaration = models.ForeignKey(Declaration, on_delete=models.PROTECT, related_name="declared_companies")
    official = models.ForeignKey(Official, on_delete=models.PROTECT, related_name="declared_companies")
    holder = models.CharField(max_length=16, choices=CompanyHolder.choices)
    relationship = models.CharField(max_length=32, blank=True)
    name = models.CharField(max_length=255)
    name_normalised = models.CharField(max_length=255, db_index=True)
    register_number = models.CharField(max_length=7, blank=True, db_index=True)

    class Meta:
        verbose_name = _("declared company")
        verbose_name_plural = _("declared companies")

    def __str__(self) -> str:
        return self.name


class RecordKind(models.TextChoices):
    """What a public register record is: a declaration of one of its kinds, or a notice."""

    APPOINTMENT = DeclarationKind.APPOINTMENT.value, DeclarationKind.APPOINTMENT.label
    ANNUAL = DeclarationKind.ANNUAL.value, DeclarationKind.ANNUAL.label
    SIGNIFICANT_CHANGE = DeclarationKind.SIGNIFICANT_CHANGE.value, DeclarationKind.SIGNIFICANT_CHANGE.label
    PRELIMINARY = DeclarationKind.PRELIMINARY.value, DeclarationKind.PRELIMINARY.label
    NOTICE = "notice", _("Notice of (no) conflict of interest")


TOMBSTONE_FIELDS = frozenset({"withdrawn_at", "withdrawal_reason"})


class PublicSnapshotQuerySet(models.QuerySet["PublicSnapshot"]):
    """Snapshots are never deleted, and an update may set only the withdrawal tombstone."""

    def update(self, **kwargs: Any) -> int:
        if not kwargs.keys() <= TOMBSTONE_FIELDS:
            raise ImmutableRowError("PublicSnapshot rows are immutable but for the withdrawal tombstone.")
        return super().update(**kwargs)

    update.alters_data = True  # type: ignore[attr-defined]

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ImmutableRowError("PublicSnapshot rows cannot be deleted.")

    delete.alters_data = True  # type: ignore[attr-defined]
    delete.queryset_only = True  # type: ignore[attr-defined]


class PublicSnapshotManager(models.Manager["PublicSnapshot"]):
    def get_queryset(self) -> models.QuerySet[PublicSnapshot]:
        return PublicSnapshotQuerySet(self.model, using=self._db)


class PublicSnapshot(models.Model):
    """The published, redacted record: the public register reads only these rows.

    Written once at publication, from a declaration's frozen revision through the allowlist field policy
    or from an acknowledged notice's public fields; a preliminary declaration's or a referred filing's
    record carries the agency's conclusion (``conclusion``: finding, legal article, reasoning). The only
    later change is the tombstone (``withdrawn_at`` and ``withdrawal_reason``) set on withdrawal, through
    ``PublicSnapshot.objects.filter(...).update(...)``; saving an existing row or deleting one raises
    ``ImmutableRowError`` (and on PostgreSQL a trigger refuses it in SQL). ``content_hash`` covers every
    other column (``compute_hash``).
    """

    declaration = models.OneToOneField(
        Declaration, null=True, blank=True, on_delete=models.PROTECT, related_name="public_snapshot"
    )
    notice = models.OneToOneField(
        "declarations.Notice", null=True, blank=True, on_delete=models.PROTECT, related_name="public_snapshot"
    )
    revision = models.ForeignKey(DeclarationRevision, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField()
    official_name = models.CharField(max_length=255)
    official_name_search = models.CharField(max_length=255, db_index=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    organisation_name = models.CharField(max_length=255)
    position_title = models.CharField(max_length=255, blank=True)
    kind = models.CharField(max_length=32, choices=RecordKind.choices)
    year = models.PositiveSmallIntegerField()
    corrects = models.ForeignKey("self", null=True, on_delete=models.PROTECT, related_name="corrected_by")
    content = models.JSONField()
    conclusion = models.JSONField(default=dict, blank=True)
    content_hash = models.CharField(max_length=64)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawal_reason = models.TextField(blank=True)

    objects = PublicSnapshotManager()

    class Meta:
        verbose_name = _("public snapshot")
        verbose_name_plural = _("public snapshots")
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(declaration__isnull=False, notice__isnull=True)
                | Q(declaration__isnull=True, notice__isnull=False),
                name="snapshot_of_one_filing",
            )
        ]

    def __str__(self) -> str:
        return f"{self.official_name} {self.year}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableRowError("PublicSnapshot rows are immutable but for the withdrawal tombstone.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableRowError("PublicSnapshot rows cannot be deleted.")

    def compute_hash(self) -> str:
        """The hash ``content_hash`` holds: over every column written at publication (the public content and
        conclusion, whose record it is, when it was published, the links to its revision and to the record it
        corrects), not over the tombstone set on withdrawal, which the transition log anchors instead."""
        return canonical_hash(
            {
                "declaration": self.declaration_id,
                "notice": self.notice_id,
                "revision": self.revision_id,
                "published_at": canonical_time(self.published_at),
                "official_name": self.official_name,
                "official_name_search": self.official_name_search,
                "organisation": self.organisation_id,
                "organisation_name": self.organisation_name,
                "position_title": self.position_title,
                "kind": self.kind,
                "year": self.year,
                "corrects": self.corrects_id,
                "content": self.content,
                "conclusion": self.conclusion,
            }
        )


# --- guardian's direct foreign-key permission tables (indexed joins, cascade with the object) -----------


class OrganisationUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Organisation, on_delete=models.CASCADE)


class OrganisationGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Organisation, on_delete=models.CASCADE)


class DeclarationUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Declaration, on_delete=models.CASCADE)


class DeclarationGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Declaration, on_delete=models.CASCADE)
