"""The offline dependency audit reads OSV advisories as the OSV schema says."""

from __future__ import annotations

import json
import zipfile

from packaging.version import Version

from tools.offline_audit import affected, audit

ADVISORY = {
    "id": "PYSEC-TEST-1",
    "affected": [
        {
            "package": {"ecosystem": "PyPI", "name": "PyPDF"},
            "ranges": [
                {
                    "type": "ECOSYSTEM",
                    "events": [
                        {"introduced": "0"},
                        {"fixed": "6.1.3"},
                        {"introduced": "7.0"},
                        {"last_affected": "7.0.2"},
                    ],
                }
            ],
            "versions": ["5.0.0"],
        }
    ],
}


def test_versions_in_and_out_of_the_ranges():
    assert affected(ADVISORY, "pypdf", Version("5.0.0"))
    assert affected(ADVISORY, "pypdf", Version("6.1.2"))
    assert not affected(ADVISORY, "pypdf", Version("6.1.3"))
    assert affected(ADVISORY, "pypdf", Version("7.0.2"))
    assert not affected(ADVISORY, "pypdf", Version("7.1.1"))
    assert not affected(ADVISORY, "flask", Version("1.0"))


def test_a_snapshot_is_read_without_network(tmp_path):
    snapshot = tmp_path / "osv.zip"
    withdrawn = dict(ADVISORY, id="PYSEC-TEST-2", withdrawn="2026-01-01T00:00:00Z")
    with zipfile.ZipFile(snapshot, "w") as archive:
        archive.writestr("PYSEC-TEST-1.json", json.dumps(ADVISORY))
        archive.writestr("PYSEC-TEST-2.json", json.dumps(withdrawn))
    found = audit(snapshot, {"pypdf": Version("6.0.0"), "flask": Version("3.1.3")})
    assert found == [("pypdf", Version("6.0.0"), "PYSEC-TEST-1")]
