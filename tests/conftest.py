import time
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from prepplan import create_app, plan_state, revocation
from prepplan.i18n import TRANSLATIONS_DIR
from prepplan.plan.planfile import load_plan

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_PLAN = ROOT / "examples" / "family-plan.json"


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogs():
    """Compile any catalog whose .mo is missing or older than its .po, so no test reads a stale
    translation (./dev.sh setup compiles them too)."""
    for po in TRANSLATIONS_DIR.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as source:
                catalog = read_po(source)
            with mo.open("wb") as target:
                write_mo(target, catalog)


@pytest.fixture
def instance_path(tmp_path):
    path = tmp_path / "instance"
    path.mkdir()
    return path


@pytest.fixture
def make_app(instance_path):
    """Build an app with extra settings; CSRF is off unless a test turns it on."""

    def build(**settings):
        config = {"WTF_CSRF_ENABLED": False, **settings}
        return create_app(config, instance_path=str(instance_path))

    return build


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


def sealed_plan_cookies(app, plan) -> list[tuple[str, str]]:
    """The cookies (name, value) the flow leaves in a family's browser for ``plan``, sealed
    with ``app``'s key (see prepplan/plan_state.py)."""
    with app.test_request_context():
        return plan_state.sealed_cookies(
            revocation.stamped({"plan": plan.model_dump(mode="json"), "touched": int(time.time())})
        )


def plant_plan(app, client, plan) -> None:
    """The client's browser holds ``plan`` as the flow would have left it."""
    for name, value in sealed_plan_cookies(app, plan):
        client.set_cookie(name, value)


@pytest.fixture
def plan_cookies():
    """``plan_cookies(app, plan)``: see sealed_plan_cookies."""
    return sealed_plan_cookies


@pytest.fixture
def give_plan():
    """``give_plan(app, client, plan)``: see plant_plan."""
    return plant_plan


@pytest.fixture
def example_plan():
    return load_plan(EXAMPLE_PLAN.read_bytes())
