"""Walk the family's flow through the real forms, step by step, from a Plan.

Used by the flow, privacy and benchmark code: it posts exactly what a browser would post. It
reads the steps (prepplan/flow/steps.py): each page's form is filled from the plan the way the
site fills it for editing, and its fields are posted as a browser would send them.
"""

from __future__ import annotations

import re
from typing import Any

from wtforms import BooleanField, FieldList, FormField, SelectMultipleField

from prepplan.flow.steps import CAREGIVER_PAPERS, FORM_STEPS, GROUPS, STEPS, model_fields
from prepplan.plan.model import Plan

CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def posted(form: Any) -> dict[str, Any]:
    """What a browser posts for a filled form: every box's text, ticked boxes as "y", every
    ticked option of a multiple choice."""
    data: dict[str, Any] = {}
    for field in form:
        if field.short_name == "csrf_token":
            continue
        if isinstance(field, FormField | FieldList):
            data.update(posted(field))
        elif isinstance(field, BooleanField):
            if field.data:
                data[field.name] = "y"
        elif isinstance(field, SelectMultipleField):
            data[field.name] = list(field.data or [])
        elif field.data is not None:
            data[field.name] = field._value() if hasattr(field, "_value") else str(field.data)
    return data


class FlowWalker:
    def __init__(self, client, lang: str = "es", csrf: bool = False):
        self.client = client
        self.lang = lang
        self.csrf = csrf

    def url(self, path: str) -> str:
        return f"/{self.lang}/plan/{path}"

    def post(self, path: str, data: dict, expect_redirect: bool = True):
        url = self.url(path)
        if self.csrf:
            page = self.client.get(url)
            data = {**data, "csrf_token": CSRF_FIELD.search(page.get_data(as_text=True)).group(1)}
        response = self.client.post(url, data=data)
        if expect_redirect:
            assert response.status_code == 302, (
                url,
                response.status_code,
                response.get_data(as_text=True)[:3000],
            )
        return response

    def filled(self, make_form) -> dict[str, str]:
        """A form filled from the plan, as the family's browser would post it (dates in the
        order of the walker's language)."""
        with self.client.application.test_request_context(self.url("")):
            form = make_form()
            form.meta.csrf = False
            return posted(form)

    def walk(self, plan: Plan) -> None:
        ids: dict[str, str] = {}
        for step in STEPS:
            if step.name in GROUPS:
                group = GROUPS[step.name]
                for i, item in enumerate(group.items(plan)):
                    data = self.filled(
                        lambda item=item, group=group: group.item_form(
                            formdata=None, data=model_fields(item)
                        )
                    )
                    self.post(f"{group.name}/{i}", data)
                self.post(group.name, {})
                # Entries get fresh ids in the flow: answers naming one (a caregiver) follow.
                kept = group.items(self.plan())
                ids |= {
                    getattr(a, "id", ""): getattr(b, "id", "")
                    for a, b in zip(group.items(plan), kept, strict=True)
                }
            elif step is CAREGIVER_PAPERS:
                # The papers' own page (prepplan/legal/views.py), with its own form.
                from prepplan.legal.forms import CaregiverPapersForm
                from prepplan.legal.views import form_data

                data = self.filled(
                    lambda: CaregiverPapersForm(
                        formdata=None, data=form_data(plan), contacts=plan.contacts
                    )
                )
                data["caregiver_ids"] = [ids.get(i, i) for i in data.get("caregiver_ids", [])]
                self.post(step.name, data)
            elif step.name in FORM_STEPS:
                data = self.filled(
                    lambda step=step: step.make_form(plan, formdata=None, data=step.form_data(plan))
                )
                self.post(step.name, {key: ids.get(value, value) for key, value in data.items()})
        self.post("check", {})

    def plan(self):
        """The plan as the device now holds it (read back through the plan file download)."""
        from prepplan.plan.planfile import load_plan

        return load_plan(self.client.get(self.url("plan-file.json")).data)
