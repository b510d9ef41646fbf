"""The web pages. Each area of the site keeps its views and its ``urlpatterns`` in its own module."""

from django.urls import path

from web import auth, dashboard, filing, inbox, notices, pdf, review, tenders, views
from web.register import register_record, register_search

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth.SignInView.as_view(), name="login"),
    path("logout/", auth.SignOutView.as_view(), name="logout"),
    path("invitation/<uidb64>/<token>/", views.InvitationView.as_view(), name="invitation"),
    path("invitation/done/", views.invitation_done, name="invitation_done"),
    path("register/", register_search, name="register"),
    path("register/<int:pk>/", register_record, name="register_record"),
    *filing.urlpatterns,
    *review.urlpatterns,
    *notices.urlpatterns,
    *tenders.urlpatterns,
    *dashboard.urlpatterns,
    *inbox.urlpatterns,
    *pdf.urlpatterns,
]
