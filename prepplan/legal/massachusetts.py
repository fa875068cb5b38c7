"""Massachusetts: the Caregiver Authorization Affidavit (M.G.L. c.201F, ss.1-6) and the
appointment of a temporary agent (M.G.L. c.190B, s.5-103).

The English clauses below are the text that is signed. Each is a gettext message, so the family
reads a draft translation beside it; the English printed on the paper is always the message
itself, rendered in English. Changing a clause changes what families sign: bump ``VERSION``,
keep ``LAWYER_REVIEW = "not yet"`` until a Massachusetts lawyer has read the new text, and run
``./dev.sh extract``.

Rules the statutes set, and where this module follows them:
- c.201F s.1: the caregiver is "an adult with whom a minor resides". A caregiver who does not
  live with the children yet cannot sign the acknowledgment truthfully: ``recommend`` points to a
  temporary agent until the children move in.
- c.201F s.5: the affidavit's contents, two adult witnesses who are not the caregiver, a notary,
  the caregiver's acknowledgment, validity "up to 2 years" (``affidavit_expiry``).
- c.190B s.5-103: any parental power except consent to marriage or adoption, "for a period not
  exceeding 60 days" (``agent_expiry``), two witnesses aged 18 or over who are not the agent, the
  agent's written acceptance, the other parent's written consent where that parent is known,
  willing and able; no notary required.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel.speaklater import LazyString

from prepplan.i18n import lazy_gettext as _l
from prepplan.plan.model import LegalPapers

JURISDICTION = "Massachusetts"
# The date the English text below was last changed.
VERSION = "2026-12-03"
# Changes to "yes (<name>, <date>)" only when a lawyer admitted in Massachusetts has read the
# clauses and the printed documents. Printed on every document until then.
LAWYER_REVIEW = "not yet"

AFFIDAVIT = "ma-caregiver-affidavit"
TEMPORARY_AGENT = "ma-temporary-agent"
FORMS = (AFFIDAVIT, TEMPORARY_AGENT)

AFFIDAVIT_YEARS = 2  # c.201F s.5: "may be valid for up to 2 years"
AGENT_DAYS = 60  # c.190B s.5-103(a): "a period not exceeding 60 days"

SOURCES = (
    (
        "M.G.L. c.201F, ss.1-6 (Caregiver Authorization Affidavits)",
        "https://malegislature.gov/Laws/GeneralLaws/PartII/TitleII/Chapter201F",
    ),
    (
        "M.G.L. c.190B, s.5-103 (Delegation of powers by parent or guardian)",
        "https://www.mass.gov/info-details/mass-general-laws-c190b-ss-5-103",
    ),
    (
        "M.G.L. c.222, s.15 (forms of notarial certificates: acknowledgment, jurat)",
        "https://malegislature.gov/Laws/GeneralLaws/PartIII/TitleI/Chapter222/Section15",
    ),
    (
        "DESE advisory on caregiver authorization affidavits (24 August 2009)",
        "https://www.doe.mass.edu/news/news.aspx?id=4979",
    ),
)

# Where a family can ask a lawyer for free (printed on the documents and the caregiver page).
FREE_LEGAL_HELP = (
    ("MassLegalHelp", "https://www.masslegalhelp.org"),
    ("Massachusetts Legal Resource Finder", "https://www.masslrf.org"),
)


@dataclass(frozen=True)
class Clause:
    """One paragraph of signed text and the section it comes from."""

    cite: str
    text: LazyString


# --- Caregiver Authorization Affidavit (M.G.L. c.201F) -----------------------------------------

AFFIDAVIT_TITLE = _l("Caregiver Authorization Affidavit")

AFFIDAVIT_OPENING = Clause(
    "c.201F ss.2, 5(1)-(4)",
    _l(
        "I am the parent, legal guardian or legal custodian of each minor named in this affidavit. "
        "By this affidavit I authorize the caregiver named in it to exercise, concurrently with me, "
        "the parental rights and responsibilities stated below for each minor's education and "
        "health care, as provided by Massachusetts General Laws chapter 201F."
    ),
)

AFFIDAVIT_CONCURRENT = Clause(
    "c.201F s.2",
    _l(
        "If the caregiver and I make conflicting decisions, my decision supersedes the decision of "
        "the caregiver. This affidavit authorizes only rights and responsibilities that I have, and "
        "it does not take away any of my rights or responsibilities."
    ),
)

AFFIDAVIT_EDUCATION = Clause(
    "c.201F s.3(3)",
    _l(
        "Education: the caregiver may make educational decisions on behalf of each minor and stand "
        "in for me with respect to federal, state and district educational policy, including "
        "accessing the minor's educational records, representing the minor in enrollment, "
        "disciplinary, curricular, special education or other educational matters, signing "
        "permission slips for school activities and any other decision that facilitates the "
        "minor's educational experience."
    ),
)

AFFIDAVIT_HEALTH = Clause(
    "c.201F s.3(1)-(2)",
    _l(
        "Health care: the caregiver may consent to medical, surgical, dental, developmental, mental "
        "health or other treatment for each minor under the supervision or upon the advice of a "
        "health care professional licensed to practice in Massachusetts, and may obtain records and "
        "other information about health care services and insurance provided to the minor."
    ),
)

AFFIDAVIT_LIMITS = Clause(
    "c.201F s.5(6)",
    _l(
        "Prohibitions and limits on this authority, if any, are written in this affidavit under "
        '"Limits".'
    ),
)

AFFIDAVIT_NO_COURT_ORDER = Clause(
    "c.201F s.5(5)",
    _l(
        "There are no court orders in effect that would prohibit me from exercising or conferring "
        "the rights and responsibilities that I seek to confer upon the caregiver."
    ),
)

AFFIDAVIT_PURPOSE = Clause(
    "c.201F ss.2, 5(7)",
    _l(
        "This affidavit is not for the purposes of circumventing any state or federal law, for the "
        "purposes of attendance at a particular school, or to re-confer rights to a caregiver from "
        "whom those rights have been removed by a court of law."
    ),
)

AFFIDAVIT_DURATION = Clause(
    "c.201F s.5",
    _l(
        "This affidavit is valid from its start date through its end date, written in it, which is "
        "not more than 2 years. It may be reauthorized."
    ),
)

AFFIDAVIT_CHANGES = Clause(
    "c.201F s.5",
    _l(
        "I may reauthorize, amend or revoke this affidavit by notifying the caregiver in writing. I "
        "will give any amended affidavit or revocation to everyone to whom I gave this affidavit. "
        "Before using it again, the caregiver will also give the amended affidavit or revocation to "
        "everyone to whom the caregiver gave this affidavit."
    ),
)

AFFIDAVIT_PERJURY = Clause(
    "c.201F s.5",
    _l(
        "I sign this affidavit under the pains and penalties of perjury, in the presence of two "
        "adult witnesses, neither of whom is the caregiver, and before a notary public."
    ),
)

AFFIDAVIT_CAREGIVER_ACKNOWLEDGMENT = Clause(
    "c.201F ss.1, 5",
    _l(
        "I am the caregiver named in this affidavit. I attest that I am an adult, 18 years of age or "
        "older, and that each minor named in this affidavit resides with me."
    ),
)

AFFIDAVIT_WITNESSES = Clause(
    "c.201F s.5",
    _l(
        "Each of us is an adult, 18 years of age or older, and neither of us is the caregiver. We "
        "saw the authorizing party sign this affidavit."
    ),
)


def affidavit_clauses(authority: str) -> tuple[Clause, ...]:
    """The signed clauses, in order, for the authority granted (c.201F ss.3, 5(6))."""
    granted = {
        "education": (AFFIDAVIT_EDUCATION,),
        "health_care": (AFFIDAVIT_HEALTH,),
    }.get(authority, (AFFIDAVIT_EDUCATION, AFFIDAVIT_HEALTH))
    return (
        AFFIDAVIT_OPENING,
        AFFIDAVIT_CONCURRENT,
        *granted,
        AFFIDAVIT_LIMITS,
        AFFIDAVIT_NO_COURT_ORDER,
        AFFIDAVIT_PURPOSE,
        AFFIDAVIT_DURATION,
        AFFIDAVIT_CHANGES,
        AFFIDAVIT_PERJURY,
    )


# --- Temporary agent (M.G.L. c.190B, s.5-103) ---------------------------------------------------

AGENT_TITLE = _l("Appointment of a Temporary Agent for a Minor")

AGENT_APPOINTMENT = Clause(
    "c.190B s.5-103(a)",
    _l(
        "I am the parent of each minor named in this document. Under Massachusetts General Laws "
        "chapter 190B, section 5-103, I appoint the person named in it as temporary agent for each "
        "minor."
    ),
)

AGENT_POWERS = Clause(
    "c.190B s.5-103(a)",
    _l(
        "I delegate to the temporary agent every power I have regarding the care, custody or "
        "property of each minor, except the power to consent to marriage or adoption of a minor, "
        'and except any limits written in this document under "Limits".'
    ),
)

AGENT_PERIOD = Clause(
    "c.190B s.5-103(a)",
    _l(
        "This appointment is for a period not exceeding 60 days: from its start date through its "
        "end date, written in it."
    ),
)

AGENT_NO_COURT_ORDER = Clause(
    "c.190B s.5-103(a), (c)",
    _l(
        "No court has ordered that any minor named here be placed in the custody of a person other "
        "than me. My parental rights have not been terminated, and I have not signed a voluntary "
        "surrender."
    ),
)

AGENT_OTHER_PARENT = Clause(
    "c.190B s.5-103(c)",
    _l(
        "If a minor has another living parent whose whereabouts are known and who is willing and "
        "able to provide care and custody for the minor, that parent consents to this appointment "
        "in writing below."
    ),
)

AGENT_CHANGES = Clause(
    "c.190B s.5-103(d)",
    _l(
        "I may revoke or amend this appointment. A revocation or amendment is delivered to all "
        "interested persons. A court may limit or alter the authority of the temporary agent."
    ),
)

AGENT_SIGNING = Clause(
    "c.190B s.5-103(b)",
    _l(
        "I sign this document in the presence of two witnesses, each 18 years of age or older, "
        "neither of whom is the temporary agent."
    ),
)

AGENT_ACCEPTANCE = Clause(
    "c.190B s.5-103(b)",
    _l("I am the temporary agent named in this document. I accept this appointment in writing."),
)

AGENT_OTHER_PARENT_CONSENT = Clause(
    "c.190B s.5-103(c)",
    _l(
        "I am the other parent of each minor named in this document. I consent in writing to the "
        "appointment of the temporary agent named in it."
    ),
)

AGENT_WITNESSES = Clause(
    "c.190B s.5-103(b)",
    _l(
        "Each of us is 18 years of age or older, and neither of us is the temporary agent. We saw "
        "the parent sign this document."
    ),
)

AGENT_CLAUSES = (
    AGENT_APPOINTMENT,
    AGENT_POWERS,
    AGENT_PERIOD,
    AGENT_NO_COURT_ORDER,
    AGENT_OTHER_PARENT,
    AGENT_CHANGES,
    AGENT_SIGNING,
)


# --- Revocation (c.201F s.5; c.190B s.5-103(d)) ------------------------------------------------

REVOCATION = Clause(
    "c.201F s.5; c.190B s.5-103(d)",
    _l(
        "I revoke the paper named below, which I signed on the date written below, and I notify "
        "the person named in it in writing. From the date of this revocation, that person may no "
        "longer act under it. I will give this revocation to everyone to whom I gave the paper."
    ),
)

# The authority an affidavit grants (c.201F s.3), as the plan codes it.
AUTHORITY_LABELS = {
    "education": _l("Education"),
    "health_care": _l("Health care"),
    "both": _l("Education and health care"),
}
# Translators: written under "Limits" when the family set no limits on the caregiver's authority.
NO_LIMITS = _l("None")


# --- Notary certificates (M.G.L. c.222, s.15) ---------------------------------------------------

# s.15(c): the jurat, for an affidavit (a sworn statement). Blanks are filled in by the notary.
NOTARY_JURAT = (
    "On this ____ day of ______________, 20__, before me, the undersigned notary public, "
    "______________________________ (name of document signer) personally appeared, proved to "
    "me through satisfactory evidence of identification, which were "
    "______________________________, to be the person whose name is signed on the preceding or "
    "attached document, and who swore or affirmed to me that the contents of the document are "
    "truthful and accurate to the best of (his) (her) knowledge and belief."
)
# s.15(b): the acknowledgment, offered (not required) for the temporary agent's appointment.
NOTARY_ACKNOWLEDGMENT = (
    "On this ____ day of ______________, 20__, before me, the undersigned notary public, "
    "______________________________ (name of document signer) personally appeared, proved to "
    "me through satisfactory evidence of identification, which were "
    "______________________________, to be the person whose name is signed on the preceding or "
    "attached document, and acknowledged to me that (he) (she) signed it voluntarily for its "
    "stated purpose."
)


# --- Dates --------------------------------------------------------------------------------------


def _same_day_years_later(start: date, years: int) -> date:
    """The same calendar day ``years`` later; 29 February becomes 28 February, so the period is
    never longer than the statute allows."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return start.replace(year=start.year + years, day=28)


def affidavit_expiry(start: date) -> date:
    """The last day an affidavit that starts on ``start`` is valid: the day before the same date
    2 years later (c.201F s.5, "up to 2 years")."""
    return _same_day_years_later(start, AFFIDAVIT_YEARS) - timedelta(days=1)


def agent_expiry(start: date) -> date:
    """The last day of a temporary agent's appointment: 60 days counting the start day
    (c.190B s.5-103(a), "a period not exceeding 60 days").

    The statute does not say when the 60 days begin. Some guides count from signing, others
    from the day the parents can no longer act (the Massachusetts Bar Association's Section
    Review, January/February 2021: "up to 60 days from the death, incapacity or consent of both
    principals"). So the family sets the start date, and the papers print both dates."""
    return start + timedelta(days=AGENT_DAYS - 1)


def expiry(form: str, start: date) -> date:
    return affidavit_expiry(start) if form == AFFIDAVIT else agent_expiry(start)


def paper_dates(legal: LegalPapers) -> list[tuple[str, date, date]]:
    """(form, start, last day) for each paper the family chose and dated."""
    starts = {AFFIDAVIT: legal.affidavit_starts, TEMPORARY_AGENT: legal.agent_starts}
    return [
        (form, start, expiry(form, start)) for form in legal.forms if (start := starts.get(form))
    ]


# --- Which paper ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recommendation:
    forms: tuple[str, ...]  # the papers to make now
    explanation: LazyString  # plain words, in the reader's language
    later: LazyString | None = None  # what to do when things change


def recommend(lives_with_children_now: bool | None) -> Recommendation | None:
    """The right paper for where the children live now; None until the family has said."""
    if lives_with_children_now is None:
        return None
    if lives_with_children_now:
        return Recommendation(
            (AFFIDAVIT,),
            _l(
                "The children live with this caregiver now, so a caregiver authorization "
                "affidavit fits: it lets the caregiver make school and health care decisions "
                "for up to 2 years, alongside you."
            ),
        )
    return Recommendation(
        (TEMPORARY_AGENT,),
        _l(
            "The children do not live with this caregiver now. A caregiver authorization "
            "affidavit is only for an adult the children live with, so sign a temporary agent "
            "paper now: it lets the caregiver act for the children for up to 60 days."
        ),
        _l(
            "If the children move in with the caregiver, sign a caregiver authorization "
            "affidavit too: it lasts up to 2 years."
        ),
    )
