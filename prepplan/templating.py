"""Small Jinja helpers shared by every template."""

from flask import Flask
from markupsafe import Markup


def drop_empty(attributes: dict) -> dict:
    """HTML attributes without the ones left unset (WTForms would render them as "None")."""
    return {key: value for key, value in attributes.items() if value not in (None, "", False)}


def bdi(value: object) -> Markup:
    """Isolate a piece of the family's text (a name, an address) so that, inside a right-to-left
    page, a Latin run and its numbers stay in their own order. Browsers honour <bdi>; PDFs use
    i18n.ltr instead (WeasyPrint ignores <bdi>)."""
    return Markup("<bdi>{}</bdi>").format(value)


def init_app(app: Flask) -> None:
    app.jinja_env.filters["drop_empty"] = drop_empty
    app.jinja_env.filters["bdi"] = bdi
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
