"""The glossary grows from exporters' own translations, through ops review (page and API)."""

from __future__ import annotations

import json

import pytest

from tests.conftest import FIXTURES, bearer
from tests.offers.support import create, offers, run_jobs
from tests.ops.conftest import flashes, page_of


def bags() -> dict:
    return json.loads((FIXTURES / "listing_garbage_bags.json").read_text())


@pytest.fixture
def suggested(app, client, exporter_token, ops_token, rates):
    """The garbage bags submitted with the exporter's own terms; what ops are asked."""
    create(client, exporter_token, bags())
    run_jobs(app)
    response = client.get("/api/v1/glossary/suggestions", headers=bearer(ops_token))
    assert response.status_code == 200
    return {(s["term"], s["language"]): s for s in response.json["items"]}


def test_own_translations_the_glossary_lacks_are_proposed_once(
    app, client, exporter_token, ops_token, suggested
):
    missing = suggested[("定制印字", "vi")]
    assert missing["proposed"] == "In chữ theo yêu cầu" and missing["glossary_value"] is None
    differs = suggested[("图案", "ru")]
    assert differs["proposed"] == "Рисунок" and differs["glossary_value"] == "узор"
    # The glossary already says this (only the capital differs): nothing to review.
    assert ("材质", "vi") not in suggested and ("图案", "vi") not in suggested
    create(client, exporter_token, bags())  # the same texts again
    run_jobs(app)
    again = client.get("/api/v1/glossary/suggestions", headers=bearer(ops_token)).json["items"]
    assert len(again) == len(suggested)


def test_an_approved_term_is_used_for_later_listings_and_audited(
    app, client, exporter_token, ops_token, suggested
):
    pattern = suggested[("图案", "ru")]
    response = client.post(
        f"/api/v1/glossary/suggestions/{pattern['id']}/approve",
        json={"value": "рисунок"},
        headers=bearer(ops_token),
    )
    assert response.status_code == 200, response.json
    assert response.json["entry"]["value"] == "рисунок"
    assert response.json["suggestion"]["reviewed_by"] == "ops@demo.example"
    entries = client.get("/api/v1/glossary/entries", headers=bearer(ops_token)).json["items"]
    assert {(e["term"], e["language"], e["value"], e["approved_by"]) for e in entries} == {
        ("图案", "ru", "рисунок", "ops@demo.example")
    }
    payload = bags()
    del payload["localized"]["ru_KZ"]["terms"]["图案"]
    listing = create(client, exporter_token, payload)
    run_jobs(app)
    ru = offers(client, exporter_token, listing["id"])["KZ"]["document"]["texts"]["ru_KZ"]
    assert ru["terms"]["图案"] == "рисунок"
    audit = client.get("/api/v1/audit/?action=glossary.approve", headers=bearer(ops_token)).json[
        "items"
    ]
    assert audit[0]["actor"] == "ops@demo.example"
    assert audit[0]["details"]["value"] == "рисунок" and audit[0]["details"]["edited"] is True


def test_a_decided_suggestion_cannot_be_decided_again(client, ops_token, suggested):
    pattern = suggested[("定制印字", "vi")]
    url = f"/api/v1/glossary/suggestions/{pattern['id']}"
    assert client.post(url + "/reject", headers=bearer(ops_token)).status_code == 200
    again = client.post(url + "/approve", json={}, headers=bearer(ops_token))
    assert again.status_code == 409
    assert "rejected" in again.json["error"]["message"]


def test_a_chinese_value_is_refused_naming_the_field(client, ops_token, suggested):
    pattern = suggested[("定制印字", "vi")]
    response = client.post(
        f"/api/v1/glossary/suggestions/{pattern['id']}/approve",
        json={"value": "图案"},
        headers=bearer(ops_token),
    )
    assert response.status_code == 422
    assert "value" in response.json["error"]["fields"]


def test_exporters_cannot_review(client, exporter_token, suggested):
    pattern = suggested[("定制印字", "vi")]
    response = client.post(
        f"/api/v1/glossary/suggestions/{pattern['id']}/approve",
        json={},
        headers=bearer(exporter_token),
    )
    assert response.status_code == 403


def test_ops_approve_an_edited_term_and_reject_another_on_the_page(ops_client, suggested):
    pattern = suggested[("定制印字", "vi")]
    custom = suggested[("每卷30只", "vi")]
    page = page_of(ops_client.get("/ops/glossary"))
    assert page.by_id(f"suggestion-{pattern['id']}") is not None
    token = page.csrf()
    response = ops_client.post(
        f"/ops/glossary/suggestions/{pattern['id']}/approve",
        data={"csrf_token": token, "value": "in chữ theo yêu cầu"},
    )
    assert response.status_code == 302
    assert "in chữ theo yêu cầu" in flashes(ops_client, "/ops/glossary")
    token = page_of(ops_client.get("/ops/glossary")).csrf()
    response = ops_client.post(
        f"/ops/glossary/suggestions/{custom['id']}/reject", data={"csrf_token": token}
    )
    assert response.status_code == 302
    page = page_of(ops_client.get("/ops/glossary"))
    assert page.by_id(f"suggestion-{pattern['id']}") is None
    assert page.by_id(f"suggestion-{custom['id']}") is None
    assert "in chữ theo yêu cầu" in page.html and "ops@demo.example" in page.html


def test_a_chinese_value_on_the_page_is_shown_beside_its_field(ops_client, suggested):
    pattern = suggested[("定制印字", "vi")]
    page = page_of(ops_client.get("/ops/glossary"))
    response = ops_client.post(
        f"/ops/glossary/suggestions/{pattern['id']}/approve",
        data={"csrf_token": page.csrf(), "value": "图案"},
    )
    assert response.status_code == 422
    assert page_of(response).error_for(f"value-{pattern['id']}")


def test_a_suggestion_decided_elsewhere_is_not_decided_again_on_the_page(
    client, ops_token, ops_client, suggested
):
    pattern = suggested[("定制印字", "vi")]
    token = page_of(ops_client.get("/ops/glossary")).csrf()
    # Another ops person rejects it (through the API) while this page is open.
    url = f"/api/v1/glossary/suggestions/{pattern['id']}"
    assert client.post(url + "/reject", headers=bearer(ops_token)).status_code == 200
    for action, form in (("approve", {"value": "in chữ theo yêu cầu"}), ("reject", {})):
        response = ops_client.post(
            f"/ops/glossary/suggestions/{pattern['id']}/{action}",
            data={"csrf_token": token, **form},
        )
        assert response.status_code == 302, action
        assert "This suggestion was already rejected." in flashes(ops_client, "/ops/glossary")
    page = page_of(ops_client.get("/ops/glossary"))
    assert "in chữ theo yêu cầu" not in page.html
    missing = ops_client.post("/ops/glossary/suggestions/999999/reject", data={"csrf_token": token})
    assert missing.status_code == 404
