"""Security headers on every response, a per-request nonce for the one inline script GOV.UK's template has, and
forms or addresses carrying a NUL character refused before any view reads them."""

import secrets

from flask import Flask, g, request
from werkzeug.exceptions import BadRequest


class NullCharacter(BadRequest):
    user_message = "What you sent contains a null character, which cannot be stored."


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def register_security_headers(app: Flask) -> None:
    @app.context_processor
    def inject_nonce():
        # govuk-frontend-jinja's template.html adds this nonce to its inline "js-enabled" script.
        return {"cspNonce": csp_nonce()}

    @app.before_request
    def refuse_null_characters():
        # No text column can hold a NUL character (PostgreSQL refuses it outright), so a form or address carrying
        # one is refused whole, before any view reads it, rather than failing half-way as a database error.
        for values in (request.args, request.form):
            if any("\x00" in value for _, value in values.items(multi=True)):
                raise NullCharacter()

    @app.after_request
    def set_headers(response):
        nonce = g.get("csp_nonce")
        script_src = f"'self' 'nonce-{nonce}'" if nonce else "'self'"
        response.headers.setdefault(
            "Content-Security-Policy",
            f"default-src 'self'; script-src {script_src}; style-src 'self'; img-src 'self' data:; "
            "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
            "frame-ancestors 'none'",
        )
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if request.endpoint != "static":
            # Pages and downloads show plan data to signed-in users: never keep them in any cache. Set, not defaulted:
            # send_file's own "no-cache" would let a shared cache store a download and revalidate it.
            response.headers["Cache-Control"] = "no-store"
        return response
