"""A calendar file the family keeps: the day to review the plan and the last day of each
caregiver paper, each with an alarm before it. Made on request and stored nowhere.

It may end up on a shared or synced calendar, so it names nobody: no child, caregiver, A-number,
code word or lawyer; only what is due and when.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from flask_babel import gettext as _
from icalendar import Alarm, Calendar, Event

from prepplan.documents.plan_pdf import review_date
from prepplan.i18n import document_language
from prepplan.legal import massachusetts as ma
from prepplan.legal.massachusetts import paper_dates
from prepplan.plan.model import Plan

# How long before the day the calendar reminds the family.
REMIND_BEFORE = {
    ma.AFFIDAVIT: timedelta(days=30),
    ma.TEMPORARY_AGENT: timedelta(days=7),
    "review": timedelta(days=14),
}


def _event(summary: str, description: str, day: date, remind_before: timedelta) -> Event:
    event = Event()
    # A random id: nothing in it can be traced back to the family.
    event.add("uid", f"{uuid.uuid4()}@prepplan")
    event.add("dtstamp", datetime.now(UTC))
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description)
    event.add("transp", "TRANSPARENT")
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary)
    alarm.add("trigger", -remind_before)
    event.add_component(alarm)
    return event


def reminder_calendar(plan: Plan, *, language: str) -> bytes:
    """The .ics file, in ``language`` (a site language code or slug)."""
    calendar = Calendar()
    calendar.add("prodid", "-//prepplan//family plan reminders//EN")
    calendar.add("version", "2.0")
    with document_language(language):
        made_on = plan.made_on or date.today()
        calendar.add_component(
            _event(
                _("Review your family preparedness plan"),
                _(
                    "Check every phone number, the caregiver and the papers. Make a new plan if "
                    "anything changed."
                ),
                review_date(made_on),
                REMIND_BEFORE["review"],
            )
        )
        for form, _start, last_day in paper_dates(plan.legal):
            summary = (
                _("Last day of the caregiver authorization affidavit")
                if form == ma.AFFIDAVIT
                else _("Last day of the temporary agent appointment")
            )
            calendar.add_component(
                _event(
                    summary,
                    _("If it is still needed, sign a new paper before this day."),
                    last_day,
                    REMIND_BEFORE[form],
                )
            )
    ical: bytes = calendar.to_ical()  # icalendar leaves to_ical unannotated
    return ical
