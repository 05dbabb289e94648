"""Only ops may use the console: every ops route is a 403 for exporters and sellers,
and a sign-in page for visitors. The route list is checked against the app's map."""

from __future__ import annotations

import pytest
from flask_migrate import upgrade

from connector import create_app
from connector.extensions import db
from tests.conftest import bearer
from tests.ops.conftest import csrf_of

# Every route under /ops, by method, with its placeholders filled in.
OPS_ROUTES = [
    ("GET", "/ops/"),
    ("GET", "/ops/shipments"),
    ("GET", "/ops/shipments/1"),
    ("GET", "/ops/shipments/1/documents/label"),
    ("POST", "/ops/shipments/1/retry"),
    ("POST", "/ops/shipments/1/cancel"),
    ("GET", "/ops/shipments/1/fix"),
    ("POST", "/ops/shipments/1/fix"),
    ("POST", "/ops/shipments/retry-selected"),
    ("GET", "/ops/shipments/retry-matching"),
    ("POST", "/ops/shipments/retry-matching"),
    ("GET", "/ops/fx"),
    ("POST", "/ops/fx/rates"),
    ("POST", "/ops/fx/rates/1/approve"),
    ("POST", "/ops/fx/rates/1/reject"),
    ("GET", "/ops/glossary"),
    ("POST", "/ops/glossary/suggestions/1/approve"),
    ("POST", "/ops/glossary/suggestions/1/reject"),
    ("GET", "/ops/channels"),
    ("POST", "/ops/channels/categories"),
    ("POST", "/ops/channels/categories/1/delete"),
    ("GET", "/ops/jobs"),
    ("GET", "/ops/jobs/some-job"),
    ("GET", "/ops/audit"),
    ("GET", "/ops/sandbox"),
    ("POST", "/ops/sandbox/faults"),
    ("POST", "/ops/sandbox/ghn/clear"),
    # rq-dashboard, mounted behind the same gate
    ("GET", "/ops/rq/"),
    ("GET", "/ops/rq/favicon.ico"),
    ("GET", "/ops/rq/static/css/main.css"),
    ("GET", "/ops/rq/1/"),
    ("GET", "/ops/rq/1/view"),
    ("GET", "/ops/rq/1/view/queues"),
    ("GET", "/ops/rq/0/view/workers"),
    ("GET", "/ops/rq/0/view/jobs"),
    ("GET", "/ops/rq/0/view/jobs/default/failed/8/asc/1"),
    ("GET", "/ops/rq/0/view/job/some-job"),
    ("POST", "/ops/rq/job/some-job/delete"),
    ("POST", "/ops/rq/job/some-job/requeue"),
    ("GET", "/ops/rq/requeue/default"),
    ("POST", "/ops/rq/requeue/default"),
    ("POST", "/ops/rq/queue/default/failed/empty"),
    ("POST", "/ops/rq/queue/default/compact"),
    ("GET", "/ops/rq/0/data/queues.json"),
    ("GET", "/ops/rq/0/data/jobs/default/failed/8/asc/1.json"),
    ("GET", "/ops/rq/0/data/job/some-job.json"),
    ("GET", "/ops/rq/0/data/workers.json"),
]


@pytest.fixture(scope="module")
def app(tmp_path_factory, redis_url):
    """One app for the whole module: these tests only read, and there are many."""
    folder = tmp_path_factory.mktemp("ops-access")
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(folder / "instance"),
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'test.db'}",
            "REDIS_URL": redis_url,
        }
    )
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_the_route_list_covers_every_ops_route(app):
    """A new ops route must be added above, so its access is tested too."""
    listed = {(method, path) for method, path in OPS_ROUTES}
    rules = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/ops")]
    assert rules
    for rule in rules:
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            matching = [
                path for m, path in listed if m == method and _matches(app, rule, method, path)
            ]
            assert matching, f"{method} {rule.rule} is not in OPS_ROUTES"


def _matches(app, rule, method, path) -> bool:
    adapter = app.url_map.bind("localhost")
    try:
        endpoint, _args = adapter.match(path, method=method)
    except Exception:
        return False
    return endpoint == rule.endpoint


def _call(client, method: str, path: str):
    if method == "GET":
        return client.get(path)
    return client.post(path, data={"csrf_token": csrf_of(client)})


@pytest.mark.parametrize(("method", "path"), OPS_ROUTES)
def test_exporters_get_403_on_every_ops_route(exporter_client, method, path):
    assert _call(exporter_client, method, path).status_code == 403


@pytest.mark.parametrize(("method", "path"), OPS_ROUTES)
def test_sellers_get_403_on_every_ops_route(seller_client, method, path):
    assert _call(seller_client, method, path).status_code == 403


@pytest.mark.parametrize(("method", "path"), [r for r in OPS_ROUTES if r[0] == "GET"])
def test_visitors_are_sent_to_sign_in(client, method, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/login" in response.location


def test_a_post_without_a_csrf_token_is_refused(ops_client):
    assert ops_client.post("/ops/shipments/1/retry").status_code == 400


def test_the_dashboard_never_requeues_on_a_get(ops_client):
    assert ops_client.get("/ops/rq/requeue/default").status_code == 405


def test_the_audit_api_is_for_ops_tokens_only(client, demo):
    assert client.get("/api/v1/audit/").status_code == 401
    exporter = client.get("/api/v1/audit/", headers=bearer(demo["tokens"]["exporter"]))
    assert exporter.status_code == 403
    assert exporter.json["error"]["code"] == "forbidden"
    ops = client.get("/api/v1/audit/", headers=bearer(demo["tokens"]["ops"]))
    assert ops.status_code == 200, ops.json
    # Refused attempts by other roles did nothing, so they are not ops actions to log.
    assert ops.json["total"] == 0


def test_only_ops_see_the_ops_link(ops_client, exporter_client):
    assert 'href="/ops/shipments"' in ops_client.get("/account/tokens").get_data(as_text=True)
    assert 'href="/ops/shipments"' not in exporter_client.get("/account/tokens").get_data(
        as_text=True
    )
