"""Signing in and out. The sign-in page is Django's, with the refusal of ``workflow.accounts`` shown in the
user's language when too many attempts failed (429, with Retry-After)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpResponse

from workflow import accounts


class SignInForm(AuthenticationForm):
    """Django's sign-in form; a paused sign-in says so instead of "wrong username or password"."""

    def get_invalid_login_error(self) -> ValidationError:
        refusal = accounts.sign_in_refusal(self.request)
        if refusal is not None:
            return ValidationError(refusal.message, code="sign_in_paused")
        return super().get_invalid_login_error()


class SignInView(auth_views.LoginView):
    """The sign-in page: Django's LoginView, which cycles the session key on success (no session fixation)."""

    template_name = "web/login.html"
    authentication_form = SignInForm

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        refusal = accounts.sign_in_refusal(self.request)
        if refusal is not None:
            response.status_code = 429
            response["Retry-After"] = str(refusal.retry_after_seconds)
        return response


class SignOutView(auth_views.LogoutView):
    """Signing out: a POST with the CSRF token (Django's LogoutView refuses a GET), back to the home page."""

    next_page = "web:home"
