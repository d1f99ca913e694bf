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


def test_only_sign_in_sign_out_setting_a_password_the_health_check_and_published_pages_are_public(app):
    public = sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if getattr(app.view_functions[rule.endpoint], "required_capability", None) == PUBLIC
    )
    assert set(public) <= {
        "/sign-in",
        "/sign-out",
        "/set-password/<token>",
        "/healthz",
        "/public/<slug>",  # a plan's published progress page for families, its print version and feed
        "/public/<slug>/print",
        "/public/<slug>/feed.atom",
    }


def test_url_paths_are_kebab_case(app):
    for rule in app.url_map.iter_rules():
        path = re.sub(r"<[^>]+>", "", rule.rule)
        assert path == path.lower(), rule.rule
        assert "_" not in path, rule.rule
