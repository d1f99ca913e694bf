"""WSoA tracker: the app factory."""

import gc
import sys
from pathlib import Path

# The `wsoa` command's start-up (Flask, SQLAlchemy, the models, the app) makes a few hundred thousand objects that live
# as long as the process, and no garbage: the collector, run every 700 allocations, would walk them again and again,
# a tenth of a second of every command. It is off until wsoa.cli has built the app and frozen them out of its sight.
if Path(sys.argv[0]).name == "wsoa":
    gc.disable()

from flask import Flask
from jinja2 import ChainableUndefined, ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from config import TEMPLATES_DIR, Config, config_from_environment


class DatabaseIdConverter(IntegerConverter):
    """Ids past PostgreSQL's integer range cannot exist: such a URL is a 404, not a database error."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


def create_app(config: Config | type[Config] | None = None, *, serve_requests: bool = True) -> Flask:
    """Build the app: configuration, extensions, templates, blueprints, error pages and CLI.

    `serve_requests=False` leaves out the views (every page's blueprint, with its forms and the report writers they
    load) and the GOV.UK form helpers: for `wsoa` commands that handle no request, such as `wsoa import-plan`, so
    they start in half the time. Everything that serves pages (`wsoa run`, gunicorn's `wsoa:create_app()`, the test
    client) gets every route.
    """
    # GOV.UK Frontend's compiled CSS refers to /assets/fonts and /assets/images, so static files live at /assets.
    app = Flask(__name__, static_url_path="/assets", instance_relative_config=True)
    app.url_map.converters["int"] = DatabaseIdConverter
    app.config.from_object(config if config is not None else config_from_environment())
    if (proxies := int(app.config.get("TRUSTED_PROXIES") or 0)) > 0:
        # Behind a reverse proxy: the client's address (for sign-in throttling) and scheme come from its headers.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    # The default SQLite database and pending uploads live in the instance folder.
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    from wsoa.extensions import csrf, db, init_migrations, login_manager

    db.init_app(app)
    init_migrations(app, db, directory=str(TEMPLATES_DIR.parent / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)

    # govuk-frontend-jinja's template calls govukHeader() with no arguments; ChainableUndefined lets that render.
    app.jinja_env.undefined = ChainableUndefined
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(TEMPLATES_DIR),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    if serve_requests:  # the GOV.UK form macros, for pages
        from govuk_frontend_wtf.main import WTFormsHelpers

        WTFormsHelpers(app)

    from wsoa import models, scope  # noqa: F401  (registers every table with the metadata; areas kept apart)
    from wsoa.auth import register_auth
    from wsoa.cli import register_commands
    from wsoa.errors import register_error_handlers
    from wsoa.formatting import register_filters
    from wsoa.security import register_security_headers
    from wsoa.views import register_blueprints

    register_filters(app)
    register_security_headers(app)
    register_auth(app)
    if serve_requests:
        register_blueprints(app)
    register_error_handlers(app)
    register_commands(app)
    return app
