"""Leads recording progress and RAG for their actions."""

from flask import Blueprint

bp = Blueprint("updates", __name__)
