"""/healthz: for load balancers, monitoring and the page benchmark's baseline. Public, no database, no session."""

from wsoa.permissions import PUBLIC


def test_healthz_says_ok_as_plain_text_to_anyone(client, count_queries):
    with count_queries() as counted:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert response.get_data(as_text=True) == "ok"
    assert counted() == 0, "a health check never touches the database"
    assert response.headers.getlist("Set-Cookie") == [], "no session is started for a health check"


def test_healthz_carries_the_security_headers(client):
    headers = client.get("/healthz").headers
    policy = headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Cache-Control"] == "no-store"


def test_healthz_for_a_signed_in_browser_loads_no_user_and_leaves_them_signed_in(client, login_as, count_queries):
    login_as("viewer")
    with count_queries() as counted:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert counted() == 0, "session expiry is not checked, so the user is not loaded"
    assert client.get("/").status_code == 200


def test_healthz_only_answers_get(client):
    assert client.post("/healthz").status_code == 405


def test_healthz_carries_the_one_permission_hook_as_public(app):
    assert app.view_functions["auth.healthz"].required_capability == PUBLIC
