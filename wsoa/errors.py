"""Error pages in the service's style; never a stack trace."""

from flask import Flask, flash, redirect, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from wsoa.extensions import db

TEMPLATED_CODES = {400, 403, 404, 405, 413, 500, 503}


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        # A stale or missing token: nothing was saved; send them back to the form they came from.
        flash(
            "The form you were submitting has expired or was not sent from this service. Nothing was saved: "
            "please try again.",
            "error",
        )
        target = request.referrer if request.referrer and request.referrer.startswith(request.host_url) else None
        if target and request.method == "POST":
            return redirect(target)
        return render_template("errors/400.html", error=error), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        template = f"errors/{code}.html" if code in TEMPLATED_CODES else "errors/generic.html"
        return render_template(template, error=error), code

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        db.session.rollback()
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        if app.config.get("TESTING") and app.config.get("PROPAGATE_TEST_ERRORS", True):
            raise error
        return render_template("errors/500.html", error=InternalServerError()), 500
