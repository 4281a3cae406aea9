"""SQLite state of the reference server.

Everything a client could later observe lives here (tickets, comments,
attachment bytes, additional requesters, people, instances, bus users and
the log of SOAP calls), so that a test can stop the server and start it
again on the same file and find the same world: a restart of the bus must
not lose tickets.

One connection shared by the request threads, serialised by a lock: the
server is a test double, simplicity beats write concurrency. Every change is
committed before the method returns (write-through), so a response is only
ever sent for a committed change, and "the bus died right after X" really
leaves X done.
"""

import datetime
import hashlib
import json
import sqlite3
import threading
from contextlib import contextmanager

# Ticket fields AltaTiquet takes, in contract order (after the credentials).
ALTA_FIELDS = (
    "solicitant", "emailSolicitant", "client", "assumpte", "descripcio",
    "equipResolutor", "assignatA", "producte", "subservei", "urgencia",
    "impacte", "proces", "procesOrigen", "estat", "ip",
    "enviarMissatgeCreacio", "enviarMissatgeTancament",
    "imputacioAutomatica", "infraestructura",
)
# Fields only ModificarTiquet can set (it calls the assignee assignatCn;
# that one is stored as assignatA).
MODIFICAR_ONLY_FIELDS = (
    "dataCaducitat", "codiTancament", "tipus", "dataResol",
    "telefonSolicitant", "dadesContacteSolicitant", "numInventari",
    "numElements", "origen",
)
# Every text column of a ticket, in the order /_state shows them.
TICKET_FIELDS = ALTA_FIELDS + ("dataCreacio", "dataTancament", "domini") + MODIFICAR_ONLY_FIELDS

FIRST_TICKET = 1000

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS bus_users (username TEXT PRIMARY KEY, password TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS instances (
    domini TEXT PRIMARY KEY, username TEXT NOT NULL, password TEXT NOT NULL,
    reopen_deadline_days INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS people (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, cn TEXT UNIQUE NOT NULL,
    nom TEXT, cognoms TEXT, emailPreferent TEXT, emails TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tickets (codi INTEGER PRIMARY KEY, %s);
CREATE TABLE IF NOT EXISTS requesters (
    codi INTEGER NOT NULL, cn TEXT NOT NULL, PRIMARY KEY (codi, cn));
CREATE TABLE IF NOT EXISTS comments (
    id INTEGER PRIMARY KEY AUTOINCREMENT, codi INTEGER NOT NULL, usuari TEXT,
    descripcio TEXT, tipusComentari TEXT, esNotificat TEXT, data TEXT);
CREATE TABLE IF NOT EXISTS annexes (
    codiAnnex INTEGER PRIMARY KEY AUTOINCREMENT, codi INTEGER NOT NULL,
    usuari TEXT, nomFitxer TEXT, size INTEGER, sha256 TEXT, bytes BLOB);
CREATE TABLE IF NOT EXISTS history (
    id INTEGER PRIMARY KEY AUTOINCREMENT, codi INTEGER NOT NULL, changes TEXT);
CREATE TABLE IF NOT EXISTS calls (
    id INTEGER PRIMARY KEY AUTOINCREMENT, op TEXT NOT NULL, args TEXT NOT NULL);
""" % ", ".join("%s TEXT NOT NULL DEFAULT ''" % f for f in TICKET_FIELDS)


class FixtureError(ValueError):
    """A fixture (file or POST /_fixture) that cannot be loaded."""


def today():
    """Today as GN6 writes dates (dd-mm-YYYY)."""
    return datetime.date.today().strftime("%d-%m-%Y")


def parse_date(text):
    """A dd-mm-YYYY date, or None if empty or malformed."""
    try:
        return datetime.datetime.strptime(text.strip(), "%d-%m-%Y").date()
    except (ValueError, AttributeError):
        return None


class Store:
    """The server's whole state in one SQLite file."""

    def __init__(self, path):
        self.path = str(path)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
        self._db.row_factory = sqlite3.Row
        # WAL + NORMAL: each commit survives a crash of this process (what a
        # restart test needs) without an fsync per call.
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)
        self._db.commit()

    def close(self):
        with self._lock:
            self._db.close()

    @contextmanager
    def _tx(self):
        """One locked transaction, committed on success."""
        with self._lock:
            try:
                yield self._db
                self._db.commit()
            except BaseException:
                self._db.rollback()
                raise

    # ---- initialisation -------------------------------------------------

    def is_initialised(self):
        with self._tx() as db:
            return db.execute("SELECT 1 FROM meta WHERE key='initialised'").fetchone() is not None

    def initialise(self, fixture):
        """Load the start-up fixture, once per database file."""
        with self._tx():
            if self.is_initialised():
                return False
            self.load_fixture(fixture)
            self._db.execute("INSERT INTO meta VALUES ('initialised', ?)", (today(),))
            return True

    def load_fixture(self, fixture):
        """Add or update bus users, instances, people and tickets."""
        if not isinstance(fixture, dict):
            raise FixtureError("a fixture is a mapping")
        with self._tx() as db:
            for user, password in (fixture.get("bus_users") or {}).items():
                db.execute("INSERT OR REPLACE INTO bus_users VALUES (?, ?)", (str(user), str(password)))
            for domini, inst in (fixture.get("instances") or {}).items():
                inst = inst or {}
                db.execute(
                    "INSERT OR REPLACE INTO instances VALUES (?, ?, ?, ?)",
                    (str(domini), str(inst.get("username", "")), str(inst.get("password", "")),
                     int(inst.get("reopen_deadline_days", 15))))
            for person in fixture.get("people") or []:
                self._load_person(db, person)
            for ticket in fixture.get("tickets") or []:
                self._load_ticket(db, ticket)

    def _load_person(self, db, person):
        cn = str(person.get("cn") or "").strip()
        if not cn:
            raise FixtureError("a person needs a cn: %r" % (person,))
        emails = [str(e) for e in person.get("emails") or []]
        pref = str(person.get("emailPreferent") or (emails[0] if emails else ""))
        if pref and pref.lower() not in (e.lower() for e in emails):
            emails.append(pref)
        old = db.execute("SELECT seq FROM people WHERE cn=?", (cn,)).fetchone()
        values = (str(person.get("nom", "")), str(person.get("cognoms", "")), pref, json.dumps(emails))
        if old:
            db.execute("UPDATE people SET nom=?, cognoms=?, emailPreferent=?, emails=? WHERE cn=?",
                       values + (cn,))
        else:
            db.execute("INSERT INTO people (nom, cognoms, emailPreferent, emails, cn) VALUES (?, ?, ?, ?, ?)",
                       values + (cn,))

    def _load_ticket(self, db, ticket):
        try:
            codi = int(str(ticket.get("codi", "")).strip())
        except ValueError:
            raise FixtureError("a fixture ticket needs a numeric codi: %r" % (ticket,)) from None
        fields = {f: str(ticket[f]) for f in TICKET_FIELDS if ticket.get(f) is not None}
        exists = db.execute("SELECT 1 FROM tickets WHERE codi=?", (codi,)).fetchone()
        if exists:
            # Only the fields given change: a test can close or age a ticket.
            if fields:
                sets = ", ".join("%s=?" % f for f in fields)
                db.execute("UPDATE tickets SET %s WHERE codi=?" % sets, tuple(fields.values()) + (codi,))
        else:
            if not fields.get("domini"):
                rows = db.execute("SELECT domini FROM instances").fetchall()
                if len(rows) != 1:
                    raise FixtureError("ticket %s: say its domini (there are %d instances)" % (codi, len(rows)))
                fields["domini"] = rows[0]["domini"]
            fields.setdefault("estat", "TIQUET_STATUS_OBERT")
            fields.setdefault("urgencia", "GRAVETAT_MITJA")
            fields.setdefault("proces", "PROCES_AUS")
            fields.setdefault("dataCreacio", today())
            self._insert_ticket(db, fields, codi)
        for cn in ticket.get("solicitantsAddicionals") or []:
            db.execute("INSERT OR IGNORE INTO requesters VALUES (?, ?)", (codi, str(cn)))
        for c in ticket.get("comentaris") or []:
            db.execute(
                "INSERT INTO comments (codi, usuari, descripcio, tipusComentari, esNotificat, data)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (codi, str(c.get("usuari", "")), str(c.get("descripcio", "")),
                 str(c.get("tipusComentari", "COMENT_TIQUET_PUBLIC")), str(c.get("esNotificat", "N")),
                 str(c.get("data") or today())))

    # ---- lookups used by the operations ---------------------------------

    def bus_user_password(self, username):
        with self._tx() as db:
            row = db.execute("SELECT password FROM bus_users WHERE username=?", (username,)).fetchone()
            return row["password"] if row else None

    def instance(self, domini):
        with self._tx() as db:
            row = db.execute("SELECT * FROM instances WHERE domini=?", (domini,)).fetchone()
            return dict(row) if row else None

    def person(self, cn):
        with self._tx() as db:
            row = db.execute("SELECT * FROM people WHERE cn=?", (cn,)).fetchone()
            return self._person_dict(row) if row else None

    def people_by_email(self, email):
        """cn of every person having this address (any case), in fixture order."""
        wanted = email.strip().lower()
        if not wanted:
            return []
        with self._tx() as db:
            rows = db.execute("SELECT * FROM people ORDER BY seq").fetchall()
        return [r["cn"] for r in rows
                if wanted in {e.lower() for e in json.loads(r["emails"])} | {r["emailPreferent"].lower()}]

    @staticmethod
    def _person_dict(row):
        d = dict(row)
        d.pop("seq", None)
        d["emails"] = json.loads(d["emails"])
        return d

    # ---- tickets ---------------------------------------------------------

    def _insert_ticket(self, db, fields, codi=None):
        if codi is None:
            top = db.execute("SELECT MAX(codi) FROM tickets").fetchone()[0]
            codi = max(FIRST_TICKET - 1, top or 0) + 1
        cols = ["codi"] + list(fields)
        db.execute("INSERT INTO tickets (%s) VALUES (%s)" % (", ".join(cols), ", ".join("?" * len(cols))),
                   (codi,) + tuple(fields.values()))
        return codi

    def create_ticket(self, fields):
        """Insert a new ticket numbered above every existing one; its codi."""
        with self._tx() as db:
            return self._insert_ticket(db, {f: fields.get(f, "") for f in TICKET_FIELDS})

    def ticket(self, domini, codi):
        """The ticket's columns, or None if it does not exist in this instance."""
        codi = as_codi(codi)
        if codi is None:
            return None
        with self._tx() as db:
            row = db.execute("SELECT * FROM tickets WHERE codi=? AND domini=?", (codi, domini)).fetchone()
            return dict(row) if row else None

    def update_ticket(self, codi, changes, history):
        """Overwrite some columns and append one history entry, atomically."""
        with self._tx() as db:
            if changes:
                sets = ", ".join("%s=?" % f for f in changes)
                db.execute("UPDATE tickets SET %s WHERE codi=?" % sets, tuple(changes.values()) + (int(codi),))
            db.execute("INSERT INTO history (codi, changes) VALUES (?, ?)",
                       (int(codi), json.dumps(history, ensure_ascii=False)))

    def add_comment(self, codi, usuari, descripcio, tipus, notificat):
        with self._tx() as db:
            db.execute(
                "INSERT INTO comments (codi, usuari, descripcio, tipusComentari, esNotificat, data)"
                " VALUES (?, ?, ?, ?, ?, ?)", (int(codi), usuari, descripcio, tipus, notificat, today()))

    def add_annex(self, codi, usuari, nom, data):
        """Store an attachment's bytes; its codiAnnex (unique, increasing)."""
        digest = hashlib.sha256(data).hexdigest()
        with self._tx() as db:
            cur = db.execute(
                "INSERT INTO annexes (codi, usuari, nomFitxer, size, sha256, bytes) VALUES (?, ?, ?, ?, ?, ?)",
                (int(codi), usuari, nom, len(data), digest, sqlite3.Binary(data)))
            return cur.lastrowid

    def add_requester(self, codi, cn):
        with self._tx() as db:
            db.execute("INSERT OR IGNORE INTO requesters VALUES (?, ?)", (int(codi), cn))

    def find_tickets(self, domini, **exact):
        """Tickets of an instance whose columns equal the given values, by number."""
        where = "".join(" AND %s=?" % column for column in exact if column in TICKET_FIELDS + ("codi",))
        with self._tx() as db:
            return [dict(r) for r in db.execute(
                "SELECT * FROM tickets WHERE domini=?%s ORDER BY codi" % where, (domini,) + tuple(exact.values()))]

    # ---- call log ----------------------------------------------------------

    def log_call(self, op, args):
        with self._tx() as db:
            db.execute("INSERT INTO calls (op, args) VALUES (?, ?)", (op, json.dumps(args, ensure_ascii=False)))

    def calls(self):
        with self._tx() as db:
            return [{"op": r["op"], "args": json.loads(r["args"])}
                    for r in db.execute("SELECT op, args FROM calls ORDER BY id")]

    def call_counts(self):
        with self._tx() as db:
            return {r[0]: r[1] for r in db.execute("SELECT op, COUNT(*) FROM calls GROUP BY op ORDER BY op")}

    # ---- inspection --------------------------------------------------------

    def state(self):
        """Everything about every ticket, as GET /_state shows it."""
        with self._tx() as db:
            tickets = []
            for row in db.execute("SELECT * FROM tickets ORDER BY codi").fetchall():
                codi = row["codi"]
                t = {"codi": str(codi)}
                t.update({f: row[f] for f in TICKET_FIELDS})
                t["solicitantsAddicionals"] = [
                    r[0] for r in db.execute("SELECT cn FROM requesters WHERE codi=? ORDER BY rowid", (codi,))]
                t["comentaris"] = [
                    dict(r) for r in db.execute(
                        "SELECT usuari, descripcio, tipusComentari, esNotificat, data FROM comments"
                        " WHERE codi=? ORDER BY id", (codi,))]
                t["annexos"] = [
                    dict(r, codiAnnex=str(r["codiAnnex"])) for r in db.execute(
                        "SELECT codiAnnex, usuari, nomFitxer, size, sha256 FROM annexes WHERE codi=?"
                        " ORDER BY codiAnnex", (codi,))]
                t["historial"] = [
                    json.loads(r[0]) for r in db.execute("SELECT changes FROM history WHERE codi=? ORDER BY id",
                                                         (codi,))]
                tickets.append(t)
            people = [self._person_dict(r) for r in db.execute("SELECT * FROM people ORDER BY seq").fetchall()]
            return {"tickets": tickets, "people": people}

    def annex_bytes(self, codi_annex):
        codi_annex = as_codi(codi_annex)
        if codi_annex is None:
            return None
        with self._tx() as db:
            row = db.execute("SELECT bytes FROM annexes WHERE codiAnnex=?", (codi_annex,)).fetchone()
            return bytes(row[0]) if row else None


def as_codi(value):
    """A ticket or attachment number from its string form, or None."""
    try:
        return int(str(value).strip())
    except ValueError:
        return None
