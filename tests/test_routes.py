"""Every route carries the one permission check, and URLs are kebab-case."""

import re

from wsoa.permissions import PUBLIC


def test_every_route_declares_who_may_use_it(app):
    unguarded = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static" and not hasattr(app.view_functions[rule.endpoint], "required_capability")
    ]
    assert unguarded == [], "add @requires(...) from wsoa.permissions to these routes"


def test_only_sign_in_sign_out_setting_a_password_and_the_health_check_are_public(app):
    public = sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if getattr(app.view_functions[rule.endpoint], "required_capability", None) == PUBLIC
    )
    assert set(public) <= {"/sign-in", "/sign-out", "/set-password/<token>", "/healthz"}


def test_url_paths_are_kebab_case(app):
    for rule in app.url_map.iter_rules():
        path = re.sub(r"<[^>]+>", "", rule.rule)
        assert path == path.lower(), rule.rule
        assert "_" not in path, rule.rule
