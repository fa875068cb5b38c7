"""Audit the installed Python packages against a vulnerability snapshot, without network.

The machines that run prepplan reach a package registry only: pip-audit cannot reach a
vulnerability database there (it reports every package "not found on PyPI" and then "No known
vulnerabilities found", which means nothing). So the OSV database for PyPI is fetched where the
network allows it, when the lock is refreshed, and kept next to the lock:

    ./dev.sh audit-refresh   # with network: OSV's PyPI advisories -> audit/osv-pypi.zip
    ./dev.sh audit           # anywhere: installed packages vs that snapshot, no network

The snapshot is OSV's own export (https://osv-vulnerabilities.storage.googleapis.com/PyPI/
all.zip), one JSON advisory per file. This reads it as the OSV schema says: a version is affected
when it is listed in ``versions`` or falls in an ECOSYSTEM range (introduced <= v < fixed, or
<= last_affected). A missing or stale snapshot is a failure, never a pass.
"""

from __future__ import annotations

import json
import sys
import time
import zipfile
from importlib import metadata
from pathlib import Path

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

SNAPSHOT = Path(__file__).resolve().parent.parent / "audit" / "osv-pypi.zip"
MAX_AGE_DAYS = 35


def affected(advisory: dict, name: str, version: Version) -> bool:
    for entry in advisory.get("affected", []):
        package = entry.get("package", {})
        if package.get("ecosystem") != "PyPI" or canonicalize_name(package.get("name", "")) != name:
            continue
        if str(version) in entry.get("versions", []):
            return True
        for version_range in entry.get("ranges", []):
            if version_range.get("type") != "ECOSYSTEM":
                continue
            introduced, inside = None, False
            for event in version_range.get("events", []):
                try:
                    if "introduced" in event:
                        introduced = (
                            Version(event["introduced"])
                            if event["introduced"] != "0"
                            else Version("0")
                        )
                        inside = version >= introduced
                    elif "fixed" in event and inside:
                        inside = version < Version(event["fixed"])
                        if inside:
                            return True
                    elif "last_affected" in event and inside:
                        inside = version <= Version(event["last_affected"])
                        if inside:
                            return True
                except InvalidVersion:
                    continue
            if inside:
                return True  # introduced, never fixed
    return False


def installed() -> dict[str, Version]:
    found = {}
    for dist in metadata.distributions():
        try:
            found[canonicalize_name(dist.metadata["Name"])] = Version(dist.version)
        except (InvalidVersion, TypeError):
            continue
    return found


def audit(snapshot: Path, packages: dict[str, Version]) -> list[tuple[str, Version, str]]:
    findings = []
    with zipfile.ZipFile(snapshot) as archive:
        for member in archive.namelist():
            advisory = json.loads(archive.read(member))
            if advisory.get("withdrawn"):
                continue
            for name, version in packages.items():
                if affected(advisory, name, version):
                    findings.append((name, version, advisory.get("id", member)))
    return findings


def main() -> int:
    if not SNAPSHOT.exists():
        print(
            f"No vulnerability snapshot at {SNAPSHOT}: run ./dev.sh audit-refresh where the "
            "network reaches osv-vulnerabilities.storage.googleapis.com.",
            file=sys.stderr,
        )
        return 2
    age_days = (time.time() - SNAPSHOT.stat().st_mtime) / 86400
    if age_days > MAX_AGE_DAYS:
        print(
            f"The vulnerability snapshot is {age_days:.0f} days old: refresh it.", file=sys.stderr
        )
        return 2
    packages = installed()
    findings = audit(SNAPSHOT, packages)
    for name, version, advisory_id in sorted(findings):
        print(f"{name} {version}: {advisory_id}")
    print(
        f"{len(packages)} packages checked against a snapshot {age_days:.0f} days old: "
        f"{len(findings)} known vulnerabilities."
    )
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
