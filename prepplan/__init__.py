"""prepplan: a family preparedness plan, in the family's language, nothing kept on the server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from prepplan.config import load_config


def create_app(
    test_config: dict[str, Any] | None = None,
    *,
    serving: bool = True,
    instance_path: str | None = None,
) -> Flask:
    """The application. ``serving=False`` (the command line) needs no secret key: it serves
    no requests, so a throwaway one is used."""
    app = Flask(__name__, instance_relative_config=True, instance_path=instance_path)
    environ = None
    if test_config is not None:
        test_config = dict(test_config)
        environ = {"PREPPLAN_ENV": "testing", **test_config.pop("environ", {})}
    app.config.from_mapping(load_config(Path(app.instance_path), environ, serving=serving))
    if test_config:
        app.config.update(test_config)

    from prepplan import i18n, plan_state, revocation, security, templating
    from prepplan.documents import capacity

    security.init_app(app)
    i18n.init_app(app)
    revocation.init_app(app)
    plan_state.init_app(app)
    templating.init_app(app)
    capacity.init_app(app)

    from prepplan import health, helper_mode, pages, school
    from prepplan.documents import views as document_views
    from prepplan.flow import protocol_views
    from prepplan.flow import views as flow_views
    from prepplan.legal import views as legal_views
    from prepplan.school import district

    district.init_app(app)  # before the features that read it
    app.register_blueprint(pages.bp)
    pages.init_error_pages(app)
    app.register_blueprint(flow_views.bp)
    app.register_blueprint(document_views.bp)
    app.register_blueprint(legal_views.bp)
    protocol_views.init_app(app)
    school.init_app(app)
    health.init_app(app)
    helper_mode.init_app(app)

    from prepplan.cli import register_commands

    register_commands(app)
    if app.config["PROXIES"]:
        # Behind HTTPS proxies: the client's address (login rate limits) and scheme come from them.
        from werkzeug.middleware.proxy_fix import ProxyFix

        count = app.config["PROXIES"]
        # Flask's documented way to wrap its WSGI app; mypy sees a method being replaced.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=count, x_proto=count, x_host=count
        )
    return app
