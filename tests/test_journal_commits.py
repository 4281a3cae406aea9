"""What the journal commits, and when (docs/journal.md "Commits per
delivery"), on both engines: bookkeeping rides with the entry's next write
and is never lost at the end of a delivery; what one answer settles is one
commit, or none. Read from a second connection, as another gateway or the
staff pages read it."""
import pytest

from gateway.journal import Journal


@pytest.fixture(params=["sqlite", "postgresql"])
def journals(request, tmp_path):
    """(the delivery's journal, another connection to the same journal)."""
    if request.param == "sqlite":
        location, password = str(tmp_path / "journal.sqlite"), None
    else:
        keys = request.getfixturevalue("postgres").journal_settings()
        location, password = keys["journal"], keys["journal_password_file"]
    opened = [Journal(location, "gn6", keep_days=0, password_file=password)
              for _ in range(2)]
    yield opened
    for journal in opened:
        journal.close()


def test_bookkeeping_is_committed_with_the_first_step_and_not_before(journals):
    journal, other = journals
    with journal.entry("k1", "<m1@x>", wait=1) as entry:
        entry.note("message", {"from": "anna@x.org", "subject": "S"})
        entry.note("filtre", {"class": "filtres.nou.FiltreNou", "state": {}})
        assert other.entry_row("k1") is None and other.state_of("k1") == {}

        entry.record("alta_sent", 1.0)      # the intent, before the call

        assert other.entry_row("k1") is not None
        assert set(other.state_of("k1")) == {"message", "filtre", "alta_sent"}


def test_notes_left_are_written_when_the_delivery_lets_go_of_the_message(journals):
    journal, other = journals
    with journal.entry("k2", "<m2@x>", wait=1) as entry:
        entry.note("message", {"from": "joan@x.org", "subject": "S"})
        entry.note("deferred", {"error": "BusDown", "reason": "503"})

    assert other.entry_by_key("k2")["sender"] == "joan@x.org"
    assert other.state_of("k2")["deferred"]["error"] == "BusDown"


def test_notes_are_written_even_when_the_delivery_fails(journals):
    journal, other = journals
    with pytest.raises(RuntimeError):
        with journal.entry("k3", "<m3@x>", wait=1) as entry:
            entry.note("message", {"from": "anna@x.org", "subject": "S"})
            raise RuntimeError("the bus went away")

    assert other.entry_by_key("k3")["sender"] == "anna@x.org"


def test_what_one_answer_settles_is_one_commit_or_none(journals):
    journal, other = journals
    with journal.entry("k4", "<m4@x>", wait=1) as entry:
        entry.record("alta_sent", 1.0)
        with pytest.raises(RuntimeError):
            with journal.together():
                entry.record("ticket", "1001")
                journal.claim_ticket("1001", "k4")
                raise RuntimeError("a bug between the two")
        assert "ticket" not in other.state_of("k4") and other.owner_of("1001") is None

        with journal.together():
            entry.record("ticket", "1002")
            journal.note_sender_write("anna@x.org")
            journal.claim_ticket("1002", "k4")
            assert other.owner_of("1002") is None     # not before the block ends

        assert other.state_of("k4")["ticket"] == "1002"
        assert other.owner_of("1002") == "k4"
        assert other.sender_writes_within("anna@x.org", 3600) == 1
