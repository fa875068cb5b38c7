"""What pyproject.toml cannot say on its own: the catalogs live in translations/ at the top of the
checkout, where translators and their tools expect them, and ship inside the package as
``prepplan/translations`` with every catalog compiled, so an installed prepplan speaks all eight
languages whether or not anyone ran ``./dev.sh compile`` first."""

from pathlib import Path

from setuptools import find_namespace_packages, setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

CATALOGS = Path("translations")


def compile_catalogs(into: Path) -> None:
    """translations/<locale>/LC_MESSAGES/messages.po -> ``into``/<locale>/LC_MESSAGES/messages.mo"""
    from babel.messages.mofile import write_mo  # a build requirement (pyproject.toml)
    from babel.messages.pofile import read_po

    for po in sorted(CATALOGS.glob("*/LC_MESSAGES/messages.po")):
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=po.parts[1])
        mo = into / po.relative_to(CATALOGS).with_suffix(".mo")
        mo.parent.mkdir(parents=True, exist_ok=True)
        with mo.open("wb") as handle:
            write_mo(handle, catalog)


class BuildWithCatalogs(build_py):
    def run(self) -> None:
        super().run()
        if not self.editable_mode:  # an editable install reads translations/ in place
            compile_catalogs(Path(self.build_lib) / "prepplan" / "translations")


class SdistWithCatalogs(sdist):
    def make_release_tree(self, base_dir, files) -> None:
        super().make_release_tree(base_dir, files)
        compile_catalogs(Path(base_dir) / CATALOGS)


# Data folders count as (namespace) packages, so setuptools ships them without warning.
CATALOG_PACKAGES = ["prepplan.translations"] + [
    f"prepplan.translations.{name}" for name in find_namespace_packages(where=str(CATALOGS))]

setup(
    packages=[*find_namespace_packages(include=["prepplan*"]), *CATALOG_PACKAGES],
    package_dir={"prepplan.translations": str(CATALOGS)},
    cmdclass={"build_py": BuildWithCatalogs, "sdist": SdistWithCatalogs},
)
