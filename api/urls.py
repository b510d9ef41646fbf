"""API v1 routes, the OpenAPI schema and its documentation pages (served from the project)."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView

from api import views
from api.auth import TokenView
from api.nominations import (
    NominationAppointView,
    NominationDetailView,
    NominationListCreateView,
    NominationWithdrawView,
    PreliminaryDeclarationView,
)
from api.notifications import (
    NotificationListView,
    NotificationReadAllView,
    NotificationReadView,
    NotificationUnreadCountView,
)
from api.obligations import ObligationDetailView, ObligationListView, ObligationWaiveView
from api.register import (
    RegisterCsvExportView,
    RegisterJsonlExportView,
    RegisterListView,
    RegisterRecordView,
)
from api.reports import ComplianceReportView, NoticeReportView, PreliminaryReportView

app_name = "api"

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="token"),
    path("me/", views.MeView.as_view(), name="me"),
    path("declarations/", views.DeclarationListCreateView.as_view(), name="declaration-list"),
    path("declarations/<int:pk>/", views.DeclarationDetailView.as_view(), name="declaration-detail"),
    path("declarations/<int:pk>/history/", views.DeclarationHistoryView.as_view(), name="declaration-history"),
    path("declarations/<int:pk>/assign/", views.DeclarationAssignView.as_view(), name="declaration-assign"),
    *[
        path(f"declarations/<int:pk>/{name}/", view.as_view(), name=f"declaration-{name.replace('_', '-')}")
        for name, view in views.TRANSITION_VIEWS.items()
    ],
    path("review-queue/", views.ReviewQueueView.as_view(), name="review-queue"),
    path("notice-categories/", views.NoticeCategoryListView.as_view(), name="notice-category-list"),
    path("notices/", views.NoticeListCreateView.as_view(), name="notice-list"),
    path("notices/import/", views.NoticeImportView.as_view(), name="notice-import"),
    path("notices/<int:pk>/", views.NoticeDetailView.as_view(), name="notice-detail"),
    path("notices/<int:pk>/history/", views.NoticeHistoryView.as_view(), name="notice-history"),
    path("notices/<int:pk>/resolution/", views.NoticeResolutionView.as_view(), name="notice-resolution"),
    path("notices/<int:pk>/assign/", views.NoticeAssignView.as_view(), name="notice-assign"),
    path(
        "notices/<int:pk>/flags/<int:flag_id>/resolve/",
        views.RedFlagResolveView.as_view(),
        name="notice-flag-resolve",
    ),
    *[
        path(f"notices/<int:pk>/{name}/", view.as_view(), name=f"notice-{name.replace('_', '-')}")
        for name, view in views.NOTICE_TRANSITION_VIEWS.items()
    ],
    path("notice-review-queue/", views.NoticeReviewQueueView.as_view(), name="notice-review-queue"),
    path("tenders/", views.TenderListCreateView.as_view(), name="tender-list"),
    path("tenders/<int:pk>/", views.TenderDetailView.as_view(), name="tender-detail"),
    path("tenders/<int:pk>/bidders/", views.TenderBiddersView.as_view(), name="tender-bidders"),
    path("tenders/<int:pk>/members/", views.TenderMembersView.as_view(), name="tender-members"),
    path(
        "tenders/<int:pk>/members/<int:member_id>/recuse/",
        views.TenderMemberRecuseView.as_view(),
        name="tender-member-recuse",
    ),
    *[
        path(f"tenders/<int:pk>/{name}/", view.as_view(), name=f"tender-{name.replace('_', '-')}")
        for name, view in views.TENDER_TRANSITION_VIEWS.items()
    ],
    path("nominations/", NominationListCreateView.as_view(), name="nomination-list"),
    path("nominations/<int:pk>/", NominationDetailView.as_view(), name="nomination-detail"),
    path(
        "nominations/<int:pk>/preliminary-declaration/",
        PreliminaryDeclarationView.as_view(),
        name="nomination-preliminary-declaration",
    ),
    path("nominations/<int:pk>/appoint/", NominationAppointView.as_view(), name="nomination-appoint"),
    path("nominations/<int:pk>/withdraw/", NominationWithdrawView.as_view(), name="nomination-withdraw"),
    path("obligations/", ObligationListView.as_view(), name="obligation-list"),
    path("obligations/<int:pk>/", ObligationDetailView.as_view(), name="obligation-detail"),
    path("obligations/<int:pk>/waive/", ObligationWaiveView.as_view(), name="obligation-waive"),
    path("organisations/", views.OrganisationListView.as_view(), name="organisation-list"),
    path("organisations/<int:pk>/", views.OrganisationDetailView.as_view(), name="organisation-detail"),
    path("officials/", views.OfficialListView.as_view(), name="official-list"),
    path("officials/<int:pk>/", views.OfficialDetailView.as_view(), name="official-detail"),
    path("positions/", views.PositionListView.as_view(), name="position-list"),
    path("positions/<int:pk>/", views.PositionDetailView.as_view(), name="position-detail"),
    path("notifications/", NotificationListView.as_view(), name="notification-list"),
    path("notifications/unread-count/", NotificationUnreadCountView.as_view(), name="notification-unread-count"),
    path("notifications/read-all/", NotificationReadAllView.as_view(), name="notification-read-all"),
    path("notifications/<int:pk>/read/", NotificationReadView.as_view(), name="notification-read"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("schema/swagger-ui/", views.SwaggerView.as_view(url_name="api:schema"), name="swagger-ui"),
    path(
        "schema/redoc/",
        SpectacularRedocView.as_view(url_name="api:schema", template_name="api/redoc.html"),
        name="redoc",
    ),
    # The public register: open to everyone, read-only.
    path("register/", RegisterListView.as_view(), name="register-list"),
    path("register/export.csv", RegisterCsvExportView.as_view(), name="register-export-csv"),
    path("register/export.jsonl", RegisterJsonlExportView.as_view(), name="register-export-jsonl"),
    # Any id, numeric or not, is the register's to answer (404), not the catch-all's (401 for a visitor).
    path("register/<str:pk>/", RegisterRecordView.as_view(), name="register-detail"),
    path("reports/notices/", NoticeReportView.as_view(), name="report-notices"),
    path("reports/compliance/", ComplianceReportView.as_view(), name="report-compliance"),
    path("reports/preliminary/", PreliminaryReportView.as_view(), name="report-preliminary"),
    # Last: any other address ending in a slash (a non-numeric id, an unknown action) gets the API's JSON
    # 404; an address without the slash still gets CommonMiddleware's redirect to it.
    # ``[\s\S]``, not ``.``: an id holding a line break (``%0A``) is an address like any other.
    re_path(r"^(?:[\s\S]*/)?$", views.NotFoundView.as_view(), name="not-found"),
]
