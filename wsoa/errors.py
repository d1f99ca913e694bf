"""Error pages in the service's style; never a stack trace."""

from flask import Flask, flash, g, redirect, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable
from werkzeug.exceptions import NotFound as PageNotFound

from wsoa.domain.not_found import NotFound
from wsoa.extensions import db, login_manager

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

    @app.errorhandler(NotFound)
    def not_found(error: NotFound):
        # The one way a missing object becomes a 404: services and views raise wsoa.domain.not_found.NotFound.
        return render_template("errors/404.html", error=PageNotFound()), 404

    @app.errorhandler(OperationalError)
    def database_unavailable(error: DBAPIError):
        # The database restarted or cannot be reached: the transaction is rolled back, so nothing was half-saved.
        db.session.rollback()
        g.database_unavailable = True
        # Flask-Login loads the user for every template; with no database, render the page as signed out.
        g._login_user = login_manager.anonymous_user()
        app.logger.warning("Database unavailable on %s %s: %s", request.method, request.path, error.orig)
        return render_template("errors/503.html", error=ServiceUnavailable()), 503

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        db.session.rollback()
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        if app.config.get("TESTING") and app.config.get("PROPAGATE_TEST_ERRORS", True):
            raise error
        return render_template("errors/500.html", error=InternalServerError()), 500
