"""Small Jinja helpers shared by every template."""

from flask import Flask


def drop_empty(attributes: dict) -> dict:
    """HTML attributes without the ones left unset (WTForms would render them as "None")."""
    return {key: value for key, value in attributes.items() if value not in (None, "", False)}


def init_app(app: Flask) -> None:
    app.jinja_env.filters["drop_empty"] = drop_empty
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
