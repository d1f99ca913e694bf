"""Blueprints, one module per feature."""

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from wsoa.views import (
        actions,
        admin,
        areas,
        audit_log,
        auth,
        imports,
        kpis,
        meetings,
        notices,
        periods,
        plan_succession,
        plans,
        public,
        publishing,
        reports,
        updates,
        users,
    )

    for module in (
        auth,
        plans,
        actions,
        admin,
        updates,
        periods,
        users,
        audit_log,
        kpis,
        imports,
        reports,
        notices,
        meetings,
        plan_succession,
        publishing,
        public,
        areas,
    ):
        app.register_blueprint(module.bp)
