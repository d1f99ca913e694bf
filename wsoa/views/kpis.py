"""Impact measures: KPIs, their values and charts."""

from flask import Blueprint

bp = Blueprint("kpis", __name__)
