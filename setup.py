"""Copies the data (geo/, seeds/) into the built package as corridors/_data, so installs carry it.

The checkout keeps geo/ and seeds/ at the top, where authors edit them; everything else is in
pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

DATA = ("geo", "seeds")


class BuildPyWithData(build_py):
    """build_py that also copies the data directories into the package."""

    def run(self) -> None:
        """Build the Python modules, then copy :data:`DATA` beside them (replacing an older copy)."""
        super().run()
        here = Path(__file__).resolve().parent
        target = Path(self.build_lib) / "corridors" / "_data"
        for name in DATA:
            if (target / name).exists():
                shutil.rmtree(target / name)
            shutil.copytree(here / name, target / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(cmdclass={"build_py": BuildPyWithData})
