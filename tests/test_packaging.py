"""An installed prepplan speaks every language: the sdist and the wheel built from it carry the
compiled catalogs, our locale formats, templates and static files, and the installed package
finds them without a checkout beside it."""

import shutil
import subprocess
import sys
import tarfile
import textwrap
import venv
import zipfile
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
NOT_SOURCE = shutil.ignore_patterns(
    ".venv*",
    ".git",
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    "instance",
    "*.mo",
)


def spanish(message: str) -> str:
    with (ROOT / "translations/es/LC_MESSAGES/messages.po").open("rb") as handle:
        return read_po(handle, locale="es")[message].string


def test_the_wheel_carries_the_catalogs_and_serves_spanish(tmp_path):
    # A copy of the source without compiled catalogs: the build itself must compile them.
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCE)
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(dist), str(source)],
        check=True,
        capture_output=True,
    )
    (sdist,), (wheel,) = dist.glob("*.tar.gz"), dist.glob("*.whl")
    with zipfile.ZipFile(wheel) as built_wheel, tarfile.open(sdist) as built_sdist:
        in_wheel, in_sdist = set(built_wheel.namelist()), set(built_sdist.getnames())
    for locale in ("es", "pt_BR", "ht", "vi", "zh_Hans", "ar", "kea"):
        assert f"prepplan/translations/{locale}/LC_MESSAGES/messages.mo" in in_wheel
        assert f"prepplan/translations/{locale}/formats.toml" in in_wheel
        assert any(
            name.endswith(f"translations/{locale}/LC_MESSAGES/messages.mo") for name in in_sdist
        ), locale
    assert "prepplan/translations/en/formats.toml" in in_wheel
    assert "prepplan/templates/pages/start.html" in in_wheel
    assert "prepplan/static/prepplan.css" in in_wheel

    # A virtualenv with the wheel alone; its dependencies are the test environment's (a path
    # entry, so the checkout's editable install is not seen), the working folder outside the repo.
    target = tmp_path / "venv"
    venv.create(target, with_pip=True)
    python = target / "bin" / "python"
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    ours = next(p for p in sys.path if p.endswith("site-packages"))
    (Path(site) / "test-environment.pth").write_text(ours + "\n")
    subprocess.run(
        [python, "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    script = textwrap.dedent("""
        import os
        from datetime import date

        import prepplan
        from prepplan import create_app
        from prepplan.i18n import format_date
        print(prepplan.__file__)
        app = create_app({}, instance_path=os.path.abspath("instance"))
        print(app.test_client().get("/es/").get_data(as_text=True))
        print(format_date(date(2012, 5, 5), "long", "ht"))
    """)
    served = subprocess.run([python, "-c", script], cwd=elsewhere, capture_output=True, text=True)
    assert served.returncode == 0, served.stderr[-3000:]
    shown = served.stdout
    installed_at = shown.splitlines()[0]
    assert installed_at.startswith(str(target)), installed_at
    assert spanish("Make your family's plan") in shown
    assert "Make your family's plan" not in shown
    assert shown.rstrip().endswith("5 me 2012")
