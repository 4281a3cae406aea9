"""One run of a module's tests per journal engine: a module that imports
the fixtures below runs all its tests on SQLite (the default file in the
test's folder), then all on PostgreSQL (a fresh schema per test in the
session's cluster, tests/postgres_server.py), each engine with reference
servers of its own, so that what one run ticketed never counts in the
other's assertions.

    from journals import journal_engine, journal_settings, server  # noqa: F401
"""
import pytest

ENGINES = ["sqlite", "postgresql"]


@pytest.fixture(scope="module", params=ENGINES)
def journal_engine(request):
    return request.param


@pytest.fixture
def journal_settings(journal_engine, request):
    if journal_engine == "sqlite":
        return {}
    return request.getfixturevalue("postgres").journal_settings()


@pytest.fixture(scope="module")
def server(journal_engine):
    from refservers.gn6.control import ReferenceServer
    with ReferenceServer() as srv:
        yield srv


@pytest.fixture(scope="module")
def jira(journal_engine):
    from refservers.jira.control import ReferenceJira
    with ReferenceJira() as srv:
        yield srv
