"""Walk the family's flow through the real forms, step by step, from a Plan.

Used by the flow, privacy and benchmark code: it posts exactly what a browser would post.
"""

from __future__ import annotations

import re
from datetime import date

from prepplan.plan.model import DOCUMENT_KINDS, Plan

CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


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
            assert response.status_code == 302, (url, response.status_code,
                                                 response.get_data(as_text=True)[:3000])
        return response

    @staticmethod
    def person_fields(person) -> dict:
        data = {
            "given_name": person.given_name,
            "family_name": person.family_name,
            "email": person.email,
            "language": person.language,
            "relationship": person.relationship,
        }
        for i, phone in enumerate(person.phones):
            data[f"phones-{i}-number"] = phone.number
            data[f"phones-{i}-kind"] = phone.kind
            if phone.can_text:
                data[f"phones-{i}-can_text"] = "y"
        return data

    def walk(self, plan: Plan) -> None:
        for i, guardian in enumerate(plan.guardians):
            self.post(f"parents/{i}", self.person_fields(guardian))
        self.post("parents", {})
        self.post("address", plan.home_address.model_dump())
        for i, child in enumerate(plan.children):
            data = child.model_dump(exclude={"date_of_birth", "doctor_phone", "dentist_phone"})
            if child.date_of_birth:
                data["date_of_birth"] = child.date_of_birth.isoformat()
            data["doctor_phone"] = child.doctor_phone.number if child.doctor_phone else ""
            data["dentist_phone"] = child.dentist_phone.number if child.dentist_phone else ""
            self.post(f"children/{i}", data)
        self.post("children", {})
        for i, contact in enumerate(plan.contacts):
            data = self.person_fields(contact)
            for flag in ("interpreter_needed", "may_pick_up", "knows_about_plan",
                         "lives_with_children", "is_legal_guardian"):
                if getattr(contact, flag):
                    data[flag] = "y"
            self.post(f"contacts/{i}", data)
        self.post("contacts", {})
        if plan.out_of_area_contact:
            data = self.person_fields(plan.out_of_area_contact)
            data["where"] = plan.out_of_area_contact.where
            self.post("out-of-area", data)
        # Contacts get fresh ids in the flow: choose caregivers by position.
        ids = self.contact_ids()
        order = [c.id for c in plan.contacts]
        caregiver = plan.caregiver
        data = {"where_children_stay": caregiver.where_children_stay}
        if caregiver.primary_contact_id in order:
            data["primary_contact_id"] = ids[order.index(caregiver.primary_contact_id)]
        if caregiver.backup_contact_id in order:
            data["backup_contact_id"] = ids[order.index(caregiver.backup_contact_id)]
        self.post("caregiver", data)
        self.post("caregiver-notes", caregiver.model_dump(
            exclude={"primary_contact_id", "backup_contact_id", "where_children_stay"}))
        data = {"copies_held_by": plan.copies_held_by}
        for kind in DOCUMENT_KINDS:
            document = plan.document(kind)
            data[f"{kind}-where"] = document.where
            data[f"{kind}-copies_with"] = document.copies_with
        self.post("documents", data)
        data = {}
        for key in ("lawyer", "consulate", "community_org"):
            contact = getattr(plan.help, key)
            data[f"{key}-name"] = contact.name
            data[f"{key}-phone"] = contact.phone.number if contact.phone else ""
        self.post("help", data)
        data = {"family_code_word": plan.family_code_word}
        for i, guardian in enumerate(plan.guardians):
            data[f"a_numbers-{i}"] = guardian.a_number
        self.post("private", data)
        self.post("check", {})

    def contact_ids(self) -> list[str]:
        page = self.client.get(self.url("caregiver")).get_data(as_text=True)
        return re.findall(r'name="primary_contact_id"[^>]*value="([a-z0-9]+)"', page)

    def plan(self):
        """The plan as the device now holds it (read back through the plan file download)."""
        from prepplan.plan.planfile import load_plan

        return load_plan(self.client.get(self.url("plan-file.json")).data)


def today() -> date:
    return date.today()
