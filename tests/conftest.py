"""Shared fixtures: a real reference server, settings files that point at it."""
import itertools
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
for _path in (REPO, REPO / "tests"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from refservers.gn6.control import ReferenceServer  # noqa: E402

_counter = itertools.count()


@pytest.fixture(scope="module")
def server():
    """The reference server with the demo fixture, one per test module."""
    with ReferenceServer() as srv:
        yield srv


@pytest.fixture(scope="module")
def jira():
    """The reference Jira in Cloud mode (bundled fixture), one per module."""
    from refservers.jira.control import ReferenceJira
    with ReferenceJira() as srv:
        yield srv


@pytest.fixture(scope="module")
def jira_dc():
    """The reference Jira in Server/Data Center mode, one per module."""
    from refservers.jira.__main__ import DEFAULT_FIXTURE
    from refservers.jira.control import ReferenceJira
    fixture = yaml.safe_load(DEFAULT_FIXTURE.read_text(encoding="utf-8"))
    fixture["deployment"] = "Server"
    with ReferenceJira(fixture=fixture) as srv:
        yield srv


@pytest.fixture(autouse=True)
def _normal_bus(request):
    """Every test starts with the bus healthy."""
    if "server" in request.fixturenames:
        request.getfixturevalue("server").set_mode("normal")
    yield


def base_settings(server, folder):
    # notificar_errors off: a test that wants the admin's mail gives its sink
    return dict(server.client_settings(folder), timeout_soa=5,
                temps_maxim_execucio=30, log_level="DEBUG", notificar_errors=False)


@pytest.fixture(scope="session")
def postgres():
    """A real PostgreSQL cluster for the whole run (tests/postgres_server.py);
    each test takes a schema of its own."""
    from postgres_server import PostgresServer, available
    if not available():
        pytest.fail("PostgreSQL binaries missing (scripts/test.sh installs postgresql)")
    with PostgresServer() as pg:
        yield pg


@pytest.fixture
def journal_settings():
    """The journal keys of a test's settings: {} is the default SQLite file
    in the test's folder. tests/journals.py overrides it with one run per
    engine."""
    return {}


@pytest.fixture
def settings_file(server, tmp_path, journal_settings):
    """settings_file(**overrides) -> path of a YAML settings file for `server`,
    with log, journal and quarantine in the test's own folder."""
    def write(folder=None, **overrides):
        folder = Path(folder) if folder else tmp_path
        folder.mkdir(parents=True, exist_ok=True)
        data = base_settings(server, folder)
        data.update(journal_settings)
        data.update(overrides)
        path = folder / ("settings-%d.yaml" % next(_counter))
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        return path
    return write
