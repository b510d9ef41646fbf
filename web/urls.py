"""The web pages. Each area of the site keeps its views and its ``urlpatterns`` in its own module."""

from django.contrib.auth import views as auth_views
from django.urls import path

from web import dashboard, filing, inbox, notices, pdf, review, tenders, views
from web.register import register_record, register_search

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(template_name="web/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(next_page="web:home"), name="logout"),
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
