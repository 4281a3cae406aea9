#!/usr/bin/env python3
"""How well comments lose a reply's quoted history and keep its new text,
and what it costs: mail/replies.py over the reply corpus
(tests/replies/corpus.py: every class of issue 19, written as the clients
write them, the new text of each marked), and the same over a second set
written apart from the reader (tests/replies/heldout.py), reported
separately.

    .venv/bin/python bench/replies.py [--rounds N]

For each class, and overall: the share of replies with all their quoted
history removed, and the share with all their new text kept (the one that
must be 100 %). The same figures for today's reader (mail/replies.py as
it was before issue 19, read from git and loaded as a module beside the
new one) and for the other reply parsers measured to choose: quotequail
and mail-parser-reply (the libraries in use before) and, when installed
(requirements-test.txt), email-reply-parser and email-reply-extractor.
Then the time per comment of the new reader and of today's, side by side
in this run: in-process (best of N rounds over the corpus) and for the
first comment of a fresh process (imports included), as each MDA delivery
pays it. Nothing here is asserted by tests.
"""
import argparse
import collections
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from mail.replies import strip_html, strip_text  # noqa: E402
from tests.replies import heldout  # noqa: E402
from tests.replies.corpus import check, corpus  # noqa: E402

# The commit whose mail/replies.py is "today's reader" (before issue 19).
BASELINE = "4b15701"


def old_reader():
    """Today's mail/replies.py, loaded from git as module `old_replies`
    (None when git or the commit is not there)."""
    try:
        source = subprocess.run(
            ["git", "show", BASELINE + ":mail/replies.py"], cwd=str(REPO),
            capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None, None
    folder = tempfile.mkdtemp(prefix="bench-replies-")
    path = Path(folder) / "old_replies.py"
    path.write_bytes(source)
    spec = importlib.util.spec_from_file_location("old_replies", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module, path


# ------------------------------------------------------------ alternatives

def only_quotequail(text):
    import quotequail
    found = quotequail.unwrap(text)
    if found and found.get("text_top"):
        return found["text_top"]
    return "".join(t for shown, t in quotequail.quote(text) if shown) or text


def only_quotequail_html(markup):
    import quotequail
    found = quotequail.unwrap_html(markup)
    return (found or {}).get("html_top") or markup


def only_mail_parser_reply(text):
    from mailparser_reply import EmailReplyParser
    from mailparser_reply.constants import MAIL_LANGUAGES
    return EmailReplyParser(languages=list(MAIL_LANGUAGES)) \
        .parse_reply(text=text) or text


def only_email_reply_parser(text):
    from email_reply_parser import EmailReplyParser
    return EmailReplyParser.parse_reply(text) or text


def only_email_reply_extractor(text):
    import email_reply_extractor as ere
    result = ere.extract_new_text(text)
    return getattr(result, "text", None) or text


def only_email_reply_extractor_html(markup):
    import email_reply_extractor as ere
    from mail.htmltext import escape
    result = ere.extract_new_text("", html_body=markup)
    return escape(getattr(result, "text", None) or "") or markup


def installed(name):
    return importlib.util.find_spec(name) is not None


# ------------------------------------------------------------ measuring

def score(readers, replies, check=check):
    """{reader: {class: [replies, history removed, new kept]}} and the
    replies each reader lost new text of (`check`: the corpus's own)."""
    table = {name: collections.defaultdict(lambda: [0, 0, 0]) for name in readers}
    losses = collections.defaultdict(list)
    for name, (text_reader, html_reader) in readers.items():
        for reply in replies:
            reader = text_reader if reply.kind == "text" else html_reader
            if reader is None:
                continue
            try:
                output = reader(reply.body)
            except Exception as e:  # a parser that fails keeps nothing
                output = ""
                losses[name].append("%s (%s)" % (reply.name, type(e).__name__))
            lost, left = check(reply, output)
            row = table[name][reply.cls]
            row[0] += 1
            row[1] += not left
            row[2] += not lost
            if lost:
                losses[name].append(reply.name)
    return table, losses


def per_comment(reader_pairs, replies, rounds):
    """Best of `rounds` in-process times per comment, {name: (text, html)}."""
    texts = [r.body for r in replies if r.kind == "text"]
    htmls = [r.body for r in replies if r.kind == "html"]
    best = {name: [float("inf"), float("inf")] for name in reader_pairs}
    for _ in range(rounds):
        for name, (text_reader, html_reader) in reader_pairs.items():
            for slot, reader, bodies in ((0, text_reader, texts),
                                         (1, html_reader, htmls)):
                start = time.perf_counter()
                for body in bodies:
                    reader(body)
                elapsed = (time.perf_counter() - start) / len(bodies)
                best[name][slot] = min(best[name][slot], elapsed)
    return best


_FIRST = r"""
import sys, time
sys.path[:0] = [%(repo)r, %(folder)r]
sample = %(sample)r
import bs4, lxml.etree, mail.htmltext  # both readers' HTML parser: not timed
start = time.perf_counter()
from %(module)s import strip_text, strip_html
strip_text(sample[0]); strip_html(sample[1])
print(time.perf_counter() - start)
"""


def first_comment(module, folder, sample, rounds):
    """Seconds for a fresh process's first text and HTML comment (the
    reader's imports included; BeautifulSoup and lxml, which both use for
    HTML, imported before the clock starts), best of `rounds`."""
    code = _FIRST % {"repo": str(REPO), "folder": str(folder), "sample": sample,
                     "module": module}
    times = []
    for _ in range(rounds):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True,
                             text=True, cwd=str(REPO),
                             env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
        times.append(float(out.stdout.strip() or "nan"))
    return min(times)


def pct(part, whole):
    return "%5.1f %%" % (100.0 * part / whole) if whole else "    - "


def report(readers, replies, check, title):
    """Print, per class and overall, history removed and new text kept."""
    table, losses = score(readers, replies, check)

    classes = sorted({r.cls for r in replies})
    print(title % (
        len(replies), sum(r.kind == "text" for r in replies),
        sum(r.kind == "html" for r in replies), len(classes)))
    compare = [name for name in readers if name != "new reader"][:1]
    head = "%-26s %4s  %-9s %-9s" % ("class", "n", "removed", "new kept")
    for name in compare:
        head += "  | %s: removed, kept" % name
    print(head)
    new = table["new reader"]
    for cls in classes:
        n, removed, kept = new[cls]
        line = "%-26s %4d  %-9s %-9s" % (cls, n, pct(removed, n), pct(kept, n))
        for name in compare:
            on, oremoved, okept = table[name][cls]
            line += "  | %s, %s" % (pct(oremoved, on), pct(okept, on))
        print(line)
    print()
    print("%-26s %4s  %-9s %-9s  replies that lost new text" % (
        "overall", "n", "removed", "new kept"))
    for name in readers:
        rows = table[name].values()
        n = sum(r[0] for r in rows)
        print("%-26s %4d  %-9s %-9s  %s" % (
            name, n, pct(sum(r[1] for r in rows), n), pct(sum(r[2] for r in rows), n),
            ", ".join(losses[name][:6]) + (" ..." if len(losses[name]) > 6 else "")))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    replies = corpus()
    old, old_path = old_reader()
    readers = {"new reader": (strip_text, strip_html)}
    if old is not None:
        readers["today's reader"] = (old.strip_text, old.strip_html)
    readers["quotequail alone"] = (only_quotequail, only_quotequail_html)
    readers["mail-parser-reply alone"] = (only_mail_parser_reply, None)
    if installed("email_reply_parser"):
        readers["email-reply-parser"] = (only_email_reply_parser, None)
    if installed("email_reply_extractor"):
        readers["email-reply-extractor"] = (only_email_reply_extractor,
                                            only_email_reply_extractor_html)
    report(readers, replies, check,
           "replies benchmark: %d replies (%d text, %d HTML) in %d classes\n")
    held = heldout.corpus()
    print()
    report(readers, held, heldout.check,
           "held-out set (tests/replies/heldout.py, written apart from the "
           "reader): %d replies (%d text, %d HTML) in %d classes\n")

    if old is None:
        print("\n(today's reader not found in git: no time comparison)")
        return 0
    pairs = {"new reader": (strip_text, strip_html),
             "today's reader": (old.strip_text, old.strip_html)}
    best = per_comment(pairs, replies, args.rounds)
    print("\ntime per comment, best of %d rounds over the corpus (in-process):" % args.rounds)
    for kind, slot in (("text", 0), ("HTML", 1)):
        new_t, old_t = best["new reader"][slot], best["today's reader"][slot]
        print("  %-5s new %.3f ms, today %.3f ms: new/today = %.2f" % (
            kind, new_t * 1e3, old_t * 1e3, new_t / old_t))
    best = per_comment(pairs, held, args.rounds)
    print("time per comment over the held-out set, best of %d rounds (in-process):"
          % args.rounds)
    for kind, slot in (("text", 0), ("HTML", 1)):
        new_t, old_t = best["new reader"][slot], best["today's reader"][slot]
        print("  %-5s new %.3f ms, today %.3f ms: new/today = %.2f" % (
            kind, new_t * 1e3, old_t * 1e3, new_t / old_t))
    sample = (next(r.body for r in replies if r.kind == "text"),
              next(r.body for r in replies if r.kind == "html"))
    fresh_new, fresh_old = [], []
    for _ in range(args.rounds):  # alternated, best of each
        fresh_new.append(first_comment("mail.replies", old_path.parent, sample, 1))
        fresh_old.append(first_comment("old_replies", old_path.parent, sample, 1))
    fresh_new, fresh_old = min(fresh_new), min(fresh_old)
    print("  first text + HTML comment of a fresh process (the reader's imports, "
          "best of %d): " % args.rounds +
          "new %.1f ms, today %.1f ms: new/today = %.2f" % (
              fresh_new * 1e3, fresh_old * 1e3, fresh_new / fresh_old))
    return 0


if __name__ == "__main__":
    sys.exit(main())
