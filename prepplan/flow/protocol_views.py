"""The "What your school will do" page: the district's protocol (or the Massachusetts guidance)
in the family's language, shown once the children's schools are known.

A step of the flow (flow/steps.py, SCHOOL_PROTOCOL) whose page this module serves: it reads the
plan only to say which schools it is about, and writes nothing.
"""

from __future__ import annotations

from flask import Blueprint, Flask, render_template
from flask_babel import gettext as _

from prepplan.flow.steps import position
from prepplan.plan_state import device
from prepplan.protocol import SchoolProtocol, school_protocol
from prepplan.school.district import District, configured_district

bp = Blueprint("protocol", __name__, url_prefix="/<lang:lang>/plan")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


def district_school_protocol(district: District | None) -> SchoolProtocol:
    """The protocol to show for ``district`` in the current locale; None: Massachusetts."""
    if district is None:
        return school_protocol(None, None)
    return school_protocol(district.name, district.protocol)


@bp.route("/school-protocol")
def school_protocol_page() -> str:
    plan = device.plan
    schools = sorted({child.school for child in plan.children if child.school})
    protocol = district_school_protocol(configured_district())
    return render_template(
        "flow/school_protocol.html",
        title=_("What your school will do")
        if protocol.from_district
        else _("What Massachusetts asks of schools"),
        protocol=protocol,
        schools=schools,
        **position("school-protocol"),
    )
