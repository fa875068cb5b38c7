from pathlib import Path

import pytest

from prepplan import create_app
from prepplan.plan.planfile import load_plan

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_PLAN = ROOT / "examples" / "family-plan.json"


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


@pytest.fixture
def example_plan():
    return load_plan(EXAMPLE_PLAN.read_bytes())
