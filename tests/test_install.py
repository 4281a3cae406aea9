"""The install a stock server makes: its own python3 and requirements.txt."""
import os
import re
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(not os.environ.get("MAILTOTICKET_TEST_SH")
                    or not os.path.exists("/usr/bin/python3")
                    or os.environ.get("MAILTOTICKET_PYTHON"),
                    reason="only under scripts/test.sh on a machine with a system python3")
def test_the_suite_runs_on_the_systems_own_python3():
    assert os.path.realpath(sys._base_executable) == os.path.realpath("/usr/bin/python3")


def test_every_requirement_is_pinned_and_installs_on_debian_12s_python():
    """Debian 12's python3 is 3.11.2: soupsieve 3 (needs >= 3.11.5) and
    platformdirs >= 4.13 (needs 3.11, not 3.10) must not come back."""
    pins = {**_pins("requirements.txt"), **_pins("requirements-test.txt")}
    assert pins["soupsieve"] < (3,)
    assert pins["platformdirs"] < (4, 13)
    assert "tomli" in pins and "exceptiongroup" in pins   # pytest on 3.10


def test_production_installs_no_test_tool():
    production = _pins("requirements.txt")
    assert "pytest" in _pins("requirements-test.txt")
    assert not {"pytest", "pluggy", "iniconfig"} & set(production)
    # nor what only the tests and benchmarks use (the browser driver, the
    # reply parsers the bench compares with)
    only_tests = {"selenium", "trio", "email-reply-parser", "email-reply-extractor"}
    assert only_tests <= set(_pins("requirements-test.txt"))
    assert not only_tests & set(production)


def _pins(name):
    pins = {}
    for line in (REPO / name).read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, _, version = line.split(";")[0].strip().partition("==")
            assert version, "not pinned: %s" % line
            pins[name.lower()] = tuple(int(x) for x in re.findall(r"\d+", version))
    return pins
