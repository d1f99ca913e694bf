"""Managing who can sign in and what they may do."""

from flask import Blueprint

bp = Blueprint("users", __name__)
