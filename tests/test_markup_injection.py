"""What a family (or a plan file from anywhere) puts in a name is text on every page, never
markup: a name holding ``<h1>`` shows the characters ``<h1>``, it does not make a heading."""

from __future__ import annotations

import io
import json
from html.parser import HTMLParser

from flask_babel import lazy_gettext as flask_babel_lazy_gettext  # noqa: TID251 (the bug shown)
from markupsafe import escape

from prepplan.flow.steps import STEPS
from prepplan.i18n import lazy_gettext
from prepplan.plan.planfile import dump_plan
from tests.markers import NOT_FREE_TEXT

INJECTED = "<h1>Injected</h1>"


class _Headings(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.injected = 0
        self._in_h1 = False

    def handle_starttag(self, tag, attrs) -> None:
        self._in_h1 = tag == "h1"

    def handle_data(self, data) -> None:
        if self._in_h1 and data.strip() == "Injected":
            self.injected += 1


def _inject_everywhere(plan) -> bytes:
    """The plan file with the markup in every free-text field (names first of all)."""
    document = json.loads(dump_plan(plan))

    def walk(value, key=""):
        if isinstance(value, dict):
            return {k: walk(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(item, key) for item in value]
        if (
            isinstance(value, str)
            and key not in NOT_FREE_TEXT
            # an e-mail must be one (the model refuses anything else), and dates are dates
            and key
            not in (
                "date_of_birth",
                "made_on",
                "format",
                "email",
                "affidavit_starts",
                "agent_starts",
            )
        ):
            return INJECTED
        return value

    document["plan"] = walk(document["plan"])
    return json.dumps(document).encode()


def test_lazy_labels_escape_what_is_put_into_them(app):
    with app.test_request_context("/en/"):
        # flask_babel's own lazy string declares itself HTML: the name would go in raw.
        assert "<h1>" in str(
            escape(flask_babel_lazy_gettext("A-number of %(name)s", name=INJECTED))
        )
        label = lazy_gettext("A-number of %(name)s", name=INJECTED)
        assert str(escape(label)) == "A-number of &lt;h1&gt;Injected&lt;/h1&gt;"
        assert str(label) == f"A-number of {INJECTED}"  # plain text stays plain text


def test_markup_in_every_name_of_an_uploaded_plan_renders_as_text_on_every_page(
    client, example_plan
):
    response = client.post(
        "/en/plan/upload",
        data={"plan_file": (io.BytesIO(_inject_everywhere(example_plan)), "plan.json")},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    pages = [f"/en/plan/{step.name}" for step in STEPS]
    pages += [
        f"/en/plan/{group}/{index}"
        for group in ("parents", "children", "contacts")
        for index in range(3)
    ]
    pages += ["/en/plan/contacts/0/remove", "/en/plan/done", "/en/school/", "/en/"]
    shown = 0
    for path in pages:
        response = client.get(path)
        assert response.status_code in (200, 302), path
        page = response.get_data(as_text=True)
        headings = _Headings()
        headings.feed(page)
        assert headings.injected == 0, path
        shown += page.count("&lt;h1&gt;Injected&lt;/h1&gt;")
    assert shown > 20  # the names were on the pages, as text
    private = client.get("/en/plan/private").get_data(as_text=True)
    assert "A-number of &lt;h1&gt;Injected&lt;/h1&gt;" in private
