"""Review periods: opening one and making it current."""

from flask import Blueprint

bp = Blueprint("periods", __name__)
