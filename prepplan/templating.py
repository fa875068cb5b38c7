"""Small Jinja helpers shared by every template, and the filters and globals of the modules that
own an idea (direction, bilingual text, phone numbers), registered in one place."""

from collections.abc import Mapping

from flask import Flask

from prepplan import bilingual, direction, phones


def drop_empty(attributes: Mapping[str, object]) -> dict[str, object]:
    """HTML attributes without the ones left unset (WTForms would render them as "None")."""
    return {key: value for key, value in attributes.items() if value not in (None, "", False)}


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        drop_empty=drop_empty, isolate=direction.isolate, phone=phones.for_reader
    )
    app.jinja_env.globals.update(both=bilingual.both, isolate=direction.isolate)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
