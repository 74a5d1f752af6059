"""The README's error catalogue matches app/errors.py."""

import re

from app.errors import CATALOGUE
from tests.helpers import ROOT


def test_readme_catalogue_matches_registry():
    text = (ROOT / "README.md").read_text()
    block = text.split("<!-- catalogue:start -->")[1].split("<!-- catalogue:end -->")[0]
    rows = re.findall(r"^\| `([A-Z0-9_]+)` \| (\d{3}) \| (.+?) \|$", block, flags=re.M)
    assert {(code, int(status)) for code, status, _ in rows} == {(e.code, e.status) for e in CATALOGUE.values()}
