"""The OpenAPI schema and its documentation pages, served from the project itself."""

import re

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command

from workflow.services import DECLARATION_TRANSITIONS


@pytest.fixture(scope="module")
def schema(tmp_path_factory):
    """The schema as ``manage.py spectacular --validate --fail-on-warn`` writes it: any warning fails."""
    path = tmp_path_factory.mktemp("schema") / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    return yaml.safe_load(path.read_text())


def test_the_schema_generates_and_validates_without_warnings(schema):
    assert schema["info"]["title"] == "Conflict-of-interest declarations API"
    assert schema["openapi"].startswith("3.")


def test_every_transition_has_its_own_operation(schema):
    operations = {
        name: schema["paths"][f"/api/v1/declarations/{{id}}/{name}/"]["post"] for name in DECLARATION_TRANSITIONS
    }

    assert {name: op["operationId"] for name, op in operations.items()} == {
        name: f"declarations_{name}" for name in DECLARATION_TRANSITIONS
    }
    assert {name: sorted(op["responses"]) for name, op in operations.items()} == {
        name: ["200", "400", "401", "403", "404", "409", "413", "415"] for name in DECLARATION_TRANSITIONS
    }


@pytest.mark.parametrize(
    ("transition", "component", "required"),
    [
        ("submit", None, None),
        ("resubmit", None, None),
        ("start_review", None, None),
        ("return_for_correction", "ReturnRequest", ["comment"]),
        ("accept", "CommentRequest", None),
        ("refer", "ReasonRequest", ["reason"]),
        ("conclude", "ConclusionInputRequest", ["finding", "legal_article", "reasoning"]),
        ("publish", None, None),
        ("withdraw_publication", "ReasonRequest", ["reason"]),
        ("discard", None, None),
    ],
)
def test_a_transition_documents_exactly_the_body_it_reads(schema, transition, component, required):
    operation = schema["paths"][f"/api/v1/declarations/{{id}}/{transition}/"]["post"]

    if component is None:
        assert "requestBody" not in operation
    else:
        ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        assert ref == f"#/components/schemas/{component}"
        assert schema["components"]["schemas"][component].get("required") == required


def test_operation_ids_are_unique(schema):
    ids = [op["operationId"] for path in schema["paths"].values() for op in path.values()]

    assert len(ids) == len(set(ids))


def test_the_list_filters_are_documented_with_their_types(schema):
    parameters = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/declarations/"]["get"]["parameters"]}

    assert parameters["year"] == {"type": "integer"}
    assert parameters["official"] == {"type": "integer"}
    assert parameters["organisation"] == {"type": "integer"}
    assert parameters["state"]["type"] == "array"
    assert parameters["cursor"] == {"type": "string"}


def test_the_state_enum_is_named_and_complete(schema):
    assert schema["components"]["schemas"]["DeclarationStateEnum"]["enum"] == [
        "draft",
        "submitted",
        "under_review",
        "returned",
        "accepted",
        "referred",
        "concluded",
        "published",
        "withdrawn",
        "discarded",
    ]


def test_the_schema_is_served(client):
    response = client.get("/api/v1/schema/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi")
    assert yaml.safe_load(response.content)["paths"]["/api/v1/review-queue/"]["get"]["operationId"] == (
        "review_queue_list"
    )


ASSET = re.compile(r"""<(?:script|link)\b[^>]*?\b(?:src|href)=["']([^"']+)["']""", re.IGNORECASE)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "expected_assets"),
    [
        (
            "/api/v1/schema/swagger-ui/",
            {
                "drf_spectacular_sidecar/swagger-ui-dist/favicon-32x32.png",
                "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css",
                "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js",
                "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-standalone-preset.js",
            },
        ),
        ("/api/v1/schema/redoc/", {"drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"}),
    ],
)
def test_the_documentation_pages_load_only_the_projects_own_static_files(client, path, expected_assets):
    response = client.get(path)
    html = response.content.decode()

    assets = ASSET.findall(html)
    assert response.status_code == 200
    assert "/api/v1/schema/" in html
    assert re.findall(r"https?://", html) == []
    assert {asset.removeprefix("/static/") for asset in assets} == expected_assets
    assert all(asset.startswith("/static/") for asset in assets)
    assert [asset for asset in expected_assets if finders.find(asset) is None] == []


@pytest.mark.django_db
def test_swagger_ui_does_not_send_the_schema_address_to_the_online_validator(client):
    html = client.get("/api/v1/schema/swagger-ui/").content.decode()

    assert '"validatorUrl": null' in html
