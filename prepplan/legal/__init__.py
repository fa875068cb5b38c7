"""Papers a caregiver can act on: the legal forms a family signs, prepared from its plan.

One module per jurisdiction holds the English text that is signed, its sources, a version and
its lawyer-review status (``massachusetts.py``). The signed text is always the English; the
family's language is printed beside it as gettext messages whose ids are that English text, so
the translation can never change what is signed.

Adding another state: copy ``massachusetts.py`` to ``<state>.py`` with that state's statutes
(cite each section beside its clause), its own ``SOURCES``, ``VERSION`` and
``LAWYER_REVIEW = "not yet"``; add its form codes to ``LEGAL_FORMS`` in ``prepplan/plan/model.py``
and to ``JURISDICTIONS`` below; add its templates under ``templates/documents/legal/``; run
``./dev.sh extract`` and translate. Until a lawyer admitted in that state has read the text and
the documents, its status stays "not yet" and every document says so.
"""

from __future__ import annotations

from types import ModuleType

from prepplan.legal import massachusetts

# form code -> the module holding its text and rules
JURISDICTIONS: dict[str, ModuleType] = {code: massachusetts for code in massachusetts.FORMS}
