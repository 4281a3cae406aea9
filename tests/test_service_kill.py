"""kill -9 of the running service at each step of a delivery, then a
restart: one ticket, one comment, each file once, the message filed once
and nothing left in the inbox.

The step is chosen with the reference servers' fault switches
(refservers/common/faults.py): `hang` before the N-th call of an operation
holds the service there, with every earlier step answered and journalled,
or after a call, done on the server but its answer held; the service is
killed while it waits. The MOVE is stopped by a relay between the service
and dovecot (tests/service_support.py's ImapProxy): before it reaches
dovecot, or after dovecot did it but before the answer came back. Each
case first checks the ticket shows what that step left (so it was killed
where it says), and the restart is `serve --once`: the same first pass a
restarted daemon makes, run to its end.

One dovecot, one GN6 and one Jira reference server for the whole set;
each case its own folder and subject.
"""
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
import yaml

from service_support import (ImapProxy, Service, box, mailbox_entry,  # noqa: F401 (fixtures)
                             run_once, service_file, sink, wait_for, word)
from support import codes, new_tickets

KNOWN = "jaume.moral@upc.edu"
FILES = {"report.pdf": b"%PDF-1.4 report " * 40, "photo.jpg": b"\xff\xd8 photo " * 60}


def message(subject, files=FILES, **headers):
    msg = EmailMessage()
    msg["From"] = KNOWN
    msg["To"] = "suport@upc.edu"
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain="kill.test")
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content("See the attached files.")
    for name, data in files.items():
        msg.add_attachment(data, maintype="application", subtype="octet-stream",
                           filename=name)
    return bytes(msg)


JIRA_FILTERS = ["filtres.reply_reobrint.FiltreReplyReobrint", "filtres.nou.FiltreNou",
                "filtres.nou_extern.FiltreNouExtern"]
EXTERN = "5b10ac8d82e05b22cc7d4ef7"
REPLY_FILE = {"trace.log": b"the same error again\n" * 30}

# (id, back-end, what is delivered, where the service is killed, what the
# ticket shows then: (files, comments, additional requesters from Cc (GN6)
# or watchers (Jira), confirmation mails)). Where: ("before", "OP#N"): the
# N-th call of OP arrives and is held, every earlier step answered and
# journalled;
# ("after", "OP"): OP is done on the server and its answer held (the
# ticket system must be asked); ("imap", "hold"): the MOVE never reaches
# dovecot; ("imap", "swallow"): dovecot moved the message but the answer
# never comes back. A reply's files go up before its comment (the comment
# links them), and a Jira confirmation is mailed as soon as the issue is.
STEPS = [
    ("gn6-ticket-answer-lost", "gn6", "new", ("after", "AltaTiquet"), (0, 0, 0, 0)),
    ("gn6-after-the-ticket", "gn6", "new", ("before", "AnnexarFitxerTiquet"), (0, 0, 0, 0)),
    ("gn6-after-the-first-upload", "gn6", "new", ("before", "AnnexarFitxerTiquet#2"),
     (1, 0, 0, 0)),
    ("gn6-after-the-uploads", "gn6", "new", ("before", "ModificarTiquet"), (2, 0, 0, 0)),
    ("gn6-description-answer-lost", "gn6", "new", ("after", "ModificarTiquet"), (2, 0, 0, 0)),
    ("gn6-after-the-description", "gn6", "new", ("before", "AfegirSolicitantTiquet"),
     (2, 0, 0, 0)),
    ("gn6-requester-answer-lost", "gn6", "new", ("after", "AfegirSolicitantTiquet"),
     (2, 0, 1, 0)),
    ("gn6-after-the-requesters-before-the-move", "gn6", "new", ("imap", "hold"), (2, 0, 1, 0)),
    ("gn6-after-the-move", "gn6", "new", ("imap", "swallow"), (2, 0, 1, 0)),
    ("gn6-reply-before-its-upload", "gn6", "reply", ("before", "AnnexarFitxerTiquet"),
     (2, 0, 1, 0)),
    ("gn6-reply-after-its-upload", "gn6", "reply", ("before", "AfegirComentariTiquet"),
     (3, 0, 1, 0)),
    ("gn6-after-the-comment-before-the-move", "gn6", "reply", ("imap", "hold"), (3, 1, 1, 0)),
    ("jira-issue-answer-lost", "jira", "new", ("after", "createIssue"), (0, 0, 0, 0)),
    ("jira-after-the-confirmation", "jira", "new", ("before", "addAttachment"), (0, 0, 0, 1)),
    ("jira-after-the-first-upload", "jira", "new", ("before", "addAttachment#2"),
     (1, 0, 0, 1)),
    ("jira-after-the-uploads", "jira", "new", ("before", "addWatcher"), (2, 0, 0, 1)),
    ("jira-watcher-answer-lost", "jira", "new", ("after", "addWatcher"), (2, 0, 1, 1)),
    ("jira-after-the-watcher-before-the-move", "jira", "new", ("imap", "hold"), (2, 0, 1, 1)),
    ("jira-comment-answer-lost", "jira", "reply", ("after", "addComment"), (3, 1, 1, 1)),
    ("jira-after-the-move", "jira", "reply", ("imap", "swallow"), (3, 1, 1, 1)),
]


class Gn6Desk:
    """What a GN6 queue shows of one case: its settings, its tickets."""

    def __init__(self, server, settings_file, sink):
        self.server = server
        self.settings = settings_file(afegir_solicitants_addicionals_en_cc=True)
        self.before = codes(server)
        self.cc = "anna.puig@gmail.com"            # the additional requester anna.puig

    def reply_subject(self, ticket, subject):
        return "Re: [Suport %s] %s" % (ticket["codi"], subject)

    def tickets(self):
        return new_tickets(self.server, self.before)

    def progress(self, ticket):
        """(files, comments, additional requesters, confirmations) now."""
        return (len(ticket["annexos"]), len(ticket["comentaris"]),
                len(ticket["solicitantsAddicionals"]), 0)

    def check(self, ticket, subject, comments, files):
        assert ticket["assumpte"] == subject
        assert sorted(a["nomFitxer"] for a in ticket["annexos"]) == sorted(files)
        assert "fileId=" in ticket["descripcio"]             # the rewrite, done once
        assert list(ticket["solicitantsAddicionals"]).count("anna.puig") == 1
        assert len(ticket["comentaris"]) == comments


class JiraDesk:
    """What a Jira queue shows of one case, and its confirmation mails."""

    def __init__(self, jira, folder, sink):
        self.server, self.sink = jira, sink
        self.before = {i["key"] for i in jira.issues()}
        self.told = len(sink.messages)
        self.cc = "pgarcia@upc.edu"                # the watcher pere.garcia
        data = {"backend": "jira", "jira_url": jira.url,
                "jira_email": "mailtoticket@upc.edu", "jira_api_token": "api-token-secret",
                "jira_project": "SUP", "jira_reporter": EXTERN, "jira_timeout": 5,
                "temps_maxim_execucio": 30, "filtres": JIRA_FILTERS,
                "mail_suport": ["suport@upc.edu"], "servidor_mail": sink.address,
                "afegir_solicitants_addicionals_en_cc": True,
                "jira_confirmation": True, "jira_confirmation_from": "suport@upc.edu",
                "log_file": str(folder / "jira.log"), "state_dir": str(folder / "jira-state"),
                "log_level": "DEBUG"}
        self.settings = folder / "jira-settings.yaml"
        self.settings.write_text(yaml.safe_dump(data), encoding="utf-8")

    def reply_subject(self, issue, subject):
        return "Re: [%s] %s" % (issue["key"], subject)

    def tickets(self):
        return [i for i in self.server.issues() if i["key"] not in self.before]

    def progress(self, issue):
        """(files, comments, watchers from Cc, confirmation mails) now."""
        return (len(issue["attachments"]), len(issue.get("comments") or []),
                watchers(issue).count("pere.garcia"), len(self.confirmations(issue)))

    def confirmations(self, issue):
        return [m for m in self.sink.messages[self.told:] if issue["key"].encode() in m]

    def check(self, issue, subject, comments, files):
        assert issue["fields"]["summary"] == subject
        assert sorted(a["filename"] for a in issue["attachments"]) == sorted(files)
        assert len(issue.get("comments") or []) == comments
        assert watchers(issue).count("pere.garcia") == 1
        assert len(self.confirmations(issue)) == 1


def watchers(issue):
    return [w.get("name") or w.get("accountId") if isinstance(w, dict) else w
            for w in issue.get("watchers") or []]


@pytest.fixture
def desk(request, server, jira, settings_file, sink, tmp_path):
    if request.param == "jira":
        yield JiraDesk(jira, tmp_path, sink)
        jira.set_mode("normal")
    else:
        yield Gn6Desk(server, settings_file, sink)


def kill_at(where, desk, box, tmp_path, entry):
    """Start the service, let it run to `where`, kill -9 it there."""
    if where[0] == "imap":
        proxy = ImapProxy(box.port, action=where[1])
        try:
            service = Service(service_file(tmp_path, [dict(entry, port=proxy.port)]))
            assert proxy.reached.wait(20), service.log()
            service.kill()
        finally:
            proxy.close()
        return
    desk.server.set_mode("hang", hang_seconds=60, **{where[0]: where[1]})
    try:
        service = Service(service_file(tmp_path, [entry]))
        wait_for(lambda: desk.server.control().get("triggered") or service.proc.poll(),
                 20, "the service at %s %s" % where)
        assert service.proc.poll() is None, service.log()
        service.kill()
    finally:
        desk.server.set_mode("normal")


def restart(path):
    result = run_once(path)
    assert result.returncode == 0, result.stderr.decode()[-3000:]


@pytest.mark.parametrize("desk, phase, where, at_kill",
                         [pytest.param(backend, phase, where, at_kill, id=name)
                          for name, backend, phase, where, at_kill in STEPS],
                         indirect=["desk"])
def test_kill_9_at_each_step_then_a_restart_leaves_one_of_everything(
        box, desk, phase, where, at_kill, tmp_path):
    folder, w = "kill-%s" % word(), word()
    entry = mailbox_entry(box, "suport", desk.settings, folder=folder)
    path = service_file(tmp_path, [entry])
    subject = "Killed %s" % w
    box.append_as("suport", folder, message(subject, Cc=desk.cc))
    sent, files = [subject], list(FILES)
    if phase == "reply":
        restart(path)                                  # the ticket, made in one go
        [ticket] = desk.tickets()
        sent.append(desk.reply_subject(ticket, subject))
        box.append_as("suport", folder, message(sent[-1], files=REPLY_FILE))
        files += list(REPLY_FILE)

    kill_at(where, desk, box, tmp_path, entry)
    [killed] = desk.tickets()
    assert desk.progress(killed) == at_kill                   # killed where it says
    inflight = tmp_path / "service-state" / "inflight"      # the crash-loop breaker's count
    assert len(list(inflight.iterdir())) == (where[0] != "imap")   # killed mid-delivery
    if where == ("imap", "swallow"):                          # dovecot did move it
        assert box.folder_of("suport", folder) == []
    else:                                                      # not filed before its work
        assert box.folder_of("suport", folder) == sent[-1:]
    restart(service_file(tmp_path, [entry]))

    [ticket] = desk.tickets()
    desk.check(ticket, subject, comments=len(sent) - 1, files=files)
    assert box.folder_of("suport", folder) == []
    processed = box.folder_of("suport", "Processed")
    assert [processed.count(s) for s in sent] == [1] * len(sent)
    assert not set(sent) & set(box.folder_of("suport", "Quarantine"))
    assert not list(inflight.iterdir())                       # no marker left behind
