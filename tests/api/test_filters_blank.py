"""A filter parameter sent empty is refused by name where the schema documents an enum, a number or a date
(django-filter would quietly drop the filter); free text may be empty."""

import pytest

from tests.api.conftest import signed_in
from tests.factories import UserFactory

BLANK = "Give this parameter a value, or leave it out."


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("/api/v1/declarations/", "kind"),
        ("/api/v1/declarations/", "year"),
        ("/api/v1/declarations/", "organisation"),
        ("/api/v1/declarations/", "submitted_after"),
        ("/api/v1/notice-review-queue/", "outcome"),
        ("/api/v1/notice-review-queue/", "is_late"),
        ("/api/v1/notices/", "category"),
    ],
)
def test_an_empty_enum_number_or_date_parameter_is_refused_by_name(path, parameter):
    response = signed_in(UserFactory()).get(f"{path}?{parameter}=")

    assert response.status_code == 400
    assert response.json() == {"detail": "The input is invalid.", "code": "invalid", "errors": {parameter: [BLANK]}}


@pytest.mark.django_db
def test_the_refusal_is_in_the_users_language_and_a_valid_value_still_filters():
    client = signed_in(UserFactory())

    refused = client.get("/api/v1/declarations/?kind=", HTTP_ACCEPT_LANGUAGE="mn")
    accepted = client.get("/api/v1/declarations/?kind=annual")

    assert refused.status_code == 400
    assert refused.json()["errors"] == {"kind": ["Энэ параметрт утга өгөх эсвэл огт илгээхгүй байна уу."]}
    assert (accepted.status_code, accepted.json()["results"]) == (200, [])
