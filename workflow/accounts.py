"""Sign-in protection: failed password checks are counted per username and per client address; a username or
an address with too many recent failures is refused for a while, whether the password is right or not.

The counters live in the cache (Redis in production, so every app server counts the same failures). They are
kept by ``ThrottledModelBackend``, Django's password backend with the count around it, so every path that
checks a password is covered: the sign-in page, the admin's, and the API's token endpoint. A refusal reads
the same for an account that exists and one that does not.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import ngettext_lazy

SIGN_IN_PAUSED = ngettext_lazy(
    "Too many failed sign-in attempts. Try again in %(minutes)d minute.",
    "Too many failed sign-in attempts. Try again in %(minutes)d minutes.",
    "minutes",
)
# Where the backend leaves its refusal for the form or the API view that asked it to authenticate:
# ``authenticate()`` turns the backend's PermissionDenied into a plain None.
_REFUSAL_ATTRIBUTE = "sign_in_refusal"


@dataclass(frozen=True)
class SignInRefusal:
    """A sign-in refused without checking the password, and for how long more."""

    retry_after_seconds: int

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.retry_after_seconds / 60))

    @property
    def message(self) -> str:
        """The refusal in the active language (read it while answering the request)."""
        return str(SIGN_IN_PAUSED % {"minutes": self.minutes})


def client_address(request: Any) -> str:
    """The client's address: the connection's, or behind ``TRUSTED_PROXY_COUNT`` proxies the one the outermost
    of them saw (each proxy appends the address it received the request from to X-Forwarded-For, so the
    entries further left are whatever the client chose to send)."""
    proxies = settings.TRUSTED_PROXY_COUNT
    remote = str(request.META.get("REMOTE_ADDR", ""))
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
    forwarded = [part for part in forwarded if part]
    return forwarded[-min(proxies, len(forwarded))] if forwarded else remote


def _digest(value: str) -> str:
    # Keys stay short and printable whatever was typed, and the cache holds no usernames.
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _subjects(username: str, address: str) -> list[tuple[str, int]]:
    """The counters an attempt counts against, each with its limit: the username's and the address's."""
    return [
        (f"user:{_digest(username.casefold())}", settings.LOGIN_FAILURE_LIMIT),
        (f"ip:{_digest(address)}", settings.LOGIN_FAILURE_LIMIT_PER_IP),
    ]


def _counter_key(subject: str, now: float) -> str:
    # Fixed periods of the window's length: an increment is atomic in every cache backend, so attempts sent in
    # parallel cannot all slip under the limit. Guessing across a period's end is stopped by the lockout,
    # which starts at the limit-th failure and outlives the period.
    window = settings.LOGIN_FAILURE_WINDOW_MINUTES * 60
    return f"sign-in:failures:{subject}:{int(now // window)}"


def _lock_key(subject: str) -> str:
    return f"sign-in:lock:{subject}"


def _increment(key: str) -> int:
    timeout = settings.LOGIN_FAILURE_WINDOW_MINUTES * 60
    cache.add(key, 0, timeout)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between the two calls
        cache.set(key, 1, timeout)
        return 1


def _lock(subject: str, now: float) -> None:
    """Lock the subject out; the failures that did it are spent, so after the lockout counting starts anew."""
    lockout = settings.LOGIN_LOCKOUT_MINUTES * 60
    cache.set(_lock_key(subject), now + lockout, lockout)
    cache.delete(_counter_key(subject, now))


def _locked_for(subject: str, now: float) -> float:
    until = cache.get(_lock_key(subject))
    return max(0.0, float(until) - now) if until is not None else 0.0


def begin_sign_in(*, username: str, address: str) -> SignInRefusal | None:
    """Count a sign-in attempt before its password is checked, or refuse it: while the username or the address
    is locked out, or when this attempt goes over a limit (it then starts the lockout)."""
    now = timezone.now().timestamp()
    subjects = _subjects(username, address)
    remaining = max(_locked_for(subject, now) for subject, _limit in subjects)
    if remaining > 0:
        return SignInRefusal(retry_after_seconds=math.ceil(remaining))
    counted = [(subject, _increment(_counter_key(subject, now)) > limit) for subject, limit in subjects]
    if not any(over for _subject, over in counted):
        return None
    for subject, over in counted:
        if over:
            _lock(subject, now)
        else:  # refused without a password check: not a failure of this subject
            with contextlib.suppress(ValueError):
                cache.decr(_counter_key(subject, now))
    return SignInRefusal(retry_after_seconds=settings.LOGIN_LOCKOUT_MINUTES * 60)


def sign_in_failed(*, username: str, address: str) -> None:
    """The attempt counted by ``begin_sign_in`` failed: at the limit, the username or the address is locked out."""
    now = timezone.now().timestamp()
    for subject, limit in _subjects(username, address):
        if (cache.get(_counter_key(subject, now)) or 0) >= limit:
            _lock(subject, now)


def sign_in_succeeded(*, username: str, address: str) -> None:
    """The attempt counted by ``begin_sign_in`` succeeded: the username's failures are forgotten, and the
    attempt no longer counts against the address (colleagues signing in behind one address lock nobody out)."""
    now = timezone.now().timestamp()
    (user_subject, _limit), (address_subject, _address_limit) = _subjects(username, address)
    cache.delete(_counter_key(user_subject, now))
    with contextlib.suppress(ValueError):  # the period ended meanwhile: nothing left to take back
        cache.decr(_counter_key(address_subject, now))


def sign_in_refusal(request: Any) -> SignInRefusal | None:
    """The refusal the backend gave this request's sign-in attempt, if it refused one."""
    refusal = getattr(request, _REFUSAL_ATTRIBUTE, None)
    return refusal if isinstance(refusal, SignInRefusal) else None


class ThrottledModelBackend(ModelBackend):
    """Django's username and password check, counted and refused by the rules above.

    Only a sign-in made for a client (with its request) is counted: ``authenticate()`` without a request is
    the project's own code or a test, never a person typing a password.
    """

    def authenticate(
        self, request: Any, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any:
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if request is None or username is None or password is None:
            return super().authenticate(request, username=username, password=password, **kwargs)
        address = client_address(request)
        refusal = begin_sign_in(username=str(username), address=address)
        if refusal is not None:
            setattr(request, _REFUSAL_ATTRIBUTE, refusal)
            # No later backend may answer, and the password is not checked.
            raise PermissionDenied
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            sign_in_failed(username=str(username), address=address)
        else:
            sign_in_succeeded(username=str(username), address=address)
        return user
