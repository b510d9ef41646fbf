"""Domain errors raised by services and policies; the interfaces map them to HTTP answers.

Messages are module-level constants so tests can assert them exactly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

NOT_FOUND = _("Not found.")
FORBIDDEN_TRANSITION = _("You are not allowed to take this action on this filing.")
FORBIDDEN_EDIT = _("Only the filer can change this declaration.")
FORBIDDEN_POSITION = _("You can file declarations only for your own positions.")
FORBIDDEN_CORRECTION = _("You can correct only your own declarations.")
WRONG_STATE = _("This action is not possible in the state “%(state)s”.")
NOT_EDITABLE = _("The declaration can be changed only while it is a draft or returned for correction.")
DUPLICATE_DECLARATION = _("A declaration of this kind for this position and year already exists.")
COMMENT_REQUIRED = _("A comment is required.")
REASON_REQUIRED = _("A reason is required.")
POSITION_NOT_REQUIRED = _("This position does not require a declaration.")
POSITION_ENDED = _("This position had ended before the declared year.")
YEAR_OUT_OF_RANGE = _("Enter a year between %(min)d and %(max)d.")
CORRECTS_NOT_FINAL = _("Only an accepted or published declaration can be corrected.")
REMARKS_INVALID = _("Remarks must be a list of at most 100 items, each with a field path and a message.")
REMARK_PATH_UNKNOWN = _("Unknown section in remark path “%(path)s”.")
TEXT_TOO_LONG = _("Ensure this value has at most %(max)d characters.")


class WorkflowError(Exception):
    """Base of the errors a user's request can cause; never a server error."""


class ObjectNotFound(WorkflowError):
    """The object does not exist or the user may not see it: the same answer for both."""

    message = NOT_FOUND


class ActionForbidden(WorkflowError):
    """The user sees the object but may not take this action on it."""

    def __init__(self, message: str | Promise = FORBIDDEN_TRANSITION) -> None:
        super().__init__(str(message))
        self.message = message


class TransitionNotAllowed(WorkflowError):
    """The action is not possible from the filing's current state."""

    def __init__(
        self,
        *,
        state: str,
        state_label: str | Promise,
        transition: str,
        allowed: Sequence[str],
        message: str | Promise | None = None,
    ) -> None:
        super().__init__(f"{transition} not allowed from {state}")
        self.state = state
        self.state_label = state_label
        self.transition = transition
        self.allowed = list(allowed)
        self._message = message

    @property
    def message(self) -> str:
        """In the language active when the answer is rendered, naming the state by its label."""
        if self._message is not None:
            return str(self._message)
        return str(WRONG_STATE % {"state": self.state_label})


class StateConflict(WorkflowError):
    """The request conflicts with existing data (a duplicate filing, a concurrent change)."""

    def __init__(self, message: str | Promise) -> None:
        super().__init__(str(message))
        self.message = message


class InvalidInput(WorkflowError):
    """The input is invalid: ``errors`` maps a field path to its messages."""

    def __init__(self, errors: Mapping[str, Sequence[str | Promise]]) -> None:
        super().__init__("; ".join(f"{k}: {', '.join(map(str, v))}" for k, v in errors.items()))
        self.errors = {key: list(messages) for key, messages in errors.items()}
