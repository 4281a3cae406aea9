#!/usr/bin/env python3
"""How much quoted history a reply's comment loses, and that its new text
stays: mail/replies.py over real-shaped replies from the common clients.

    .venv/bin/python bench/replies.py

Each reply below is written as its client writes it: the sender's new text,
then the history (attribution or header block, quoted text, signature).
For each, the text left by the stripping is compared line by line with the
two halves: the share of the history's non-blank lines removed, and any
line of the new text missing (which must never happen). Besides the
pipeline the comments use (quotequail, then mail-parser-reply, Catalan
header words put in English first), each library alone is measured on the
text replies, which is how the pipeline was chosen. The figures are
printed; nothing here is asserted by tests.
"""
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from mail.htmltext import html_to_text  # noqa: E402
from mail.replies import strip_html, strip_text  # noqa: E402

SIG = "-- \nJaume Moral\nUnitat de Sistemes - UPC\nTel. 93 401 00 00\n"

# (client, kind, new text, history): the reply is new text + history.
TEXT_REPLIES = [
    ("Gmail (en)", "text", "It prints again after the restart, thanks.\n\n",
     "On Tue, Nov 24, 2026 at 5:10 PM Suport Unitat <suport@upc.edu> wrote:\n\n"
     "> Please switch the printer off and on again.\n>\n> Regards,\n> Suport\n"),
    ("Gmail (ca)", "text", "Ja funciona, gràcies.\nHo tanco jo mateix.\n\n",
     "El dt., 24 de nov. 2026, a les 17:10, Suport Unitat (<suport@upc.edu>)\n"
     "va escriure:\n\n> Apagueu i engegueu la impressora.\n>\n> Salutacions\n"),
    ("Gmail (es)", "text", "Ya funciona.\n\n",
     "El mar, 24 nov 2026 a las 17:10, Suport Unitat (<suport@upc.edu>) escribió:\n\n"
     "> Apague y encienda la impresora.\n"),
    ("Outlook desktop (ca)", "text",
     "Continua sense imprimir en color.\n\nJaume Moral\n\n",
     "De: Suport Unitat <suport@upc.edu>\nEnviat: dimarts, 24 de novembre de 2026 17:10\n"
     "Per a: Jaume Moral <jaume.moral@upc.edu>\nAssumpte: [Suport Unitat 1234] Impressora\n\n"
     "Apagueu i engegueu la impressora.\n"),
    ("Outlook desktop (es)", "text", "Sigue sin imprimir en color.\n\n",
     "De: Suport Unitat <suport@upc.edu>\nEnviado el: martes, 24 de noviembre de 2026 17:10\n"
     "Para: Jaume Moral <jaume.moral@upc.edu>\nAsunto: RE: [Suport Unitat 1234] Impresora\n\n"
     "Apague y encienda la impresora.\n"),
    ("Outlook / OWA (en)", "text", "Still no colour.\n\n",
     "________________________________\nFrom: Suport Unitat <suport@upc.edu>\n"
     "Sent: Tuesday, November 24, 2026 5:10 PM\nTo: Jaume Moral <jaume.moral@upc.edu>\n"
     "Subject: [Suport Unitat 1234] Printer\n\nPlease restart the printer.\n"),
    ("old Outlook (en)", "text", "Done, thanks.\n\n",
     "-----Original Message-----\nFrom: Suport Unitat [mailto:suport@upc.edu]\n"
     "Sent: Tuesday, November 24, 2026 5:10 PM\nTo: Jaume Moral\n"
     "Subject: RE: printer\n\nPlease restart the printer.\n"),
    ("Thunderbird (ca) + signature", "text",
     "Ja imprimeix, però la safata 2 encara s'encalla.\n\n",
     "El 24/11/26 a les 17:10, Suport Unitat va escriure:\n"
     "> Apagueu i engegueu la impressora.\n>\n> Salutacions\n\n" + SIG),
    ("Apple Mail (es)", "text", "Ya funciona, gracias.\n\n",
     "> El 24 nov 2026, a las 17:10, Suport Unitat <suport@upc.edu> escribió:\n>\n"
     "> Apague y encienda la impresora.\n"),
    ("iPhone (en)", "text", "OK, will try tomorrow.\n\nSent from my iPhone\n\n",
     "> On 24 Nov 2026, at 17:10, Suport Unitat <suport@upc.edu> wrote:\n>\n"
     "> Please restart the printer.\n"),
    ("Zimbra (ca)", "text", "D'acord, ara ja imprimeix a doble cara.\n\n",
     "----- Missatge original -----\nDe: \"Suport Unitat\" <suport@upc.edu>\n"
     "Per a: \"Jaume Moral\" <jaume.moral@upc.edu>\nEnviats: Dimarts, 24 de novembre "
     "2026 17:10:00\nAssumpte: Impressora\n\nApagueu i engegueu la impressora.\n"),
    ("mutt bottom-posting", "text", "",
     "On Tue, Nov 24, 2026 at 05:10:00PM +0100, Suport Unitat wrote:\n"
     "> Please restart the printer.\n"),
    ("signature only", "text", "Can you call me?\nI am in room B3.\n\n", SIG),
]
# mutt: the new text goes after the quote.
BOTTOM = {"mutt bottom-posting": "\nRestarted, it works now.\n"}

HTML_REPLIES = [
    ("Gmail (en)", "html", "It prints again after the restart, thanks.",
     '<div dir="ltr">It prints again after the restart, thanks.</div><br>'
     '<div class="gmail_quote"><div dir="ltr" class="gmail_attr">On Tue, Nov 24, 2026 at '
     '5:10 PM Suport Unitat &lt;suport@upc.edu&gt; wrote:<br></div><blockquote '
     'class="gmail_quote">Please switch the printer off and on again.<br>Regards,<br>'
     'Suport</blockquote></div>'),
    ("Outlook desktop (ca)", "html", "Continua sense imprimir en color.",
     '<html><body><div class="WordSection1"><p class="MsoNormal">Continua sense imprimir '
     'en color.</p><div><div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:'
     '3.0pt 0cm 0cm 0cm"><p class="MsoNormal"><b>De:</b> Suport Unitat &lt;suport@upc.edu'
     '&gt;<br><b>Enviat:</b> dimarts, 24 de novembre de 2026 17:10<br><b>Per a:</b> Jaume'
     '<br><b>Assumpte:</b> Impressora</p></div></div><p class="MsoNormal">Apagueu i '
     'engegueu la impressora.</p></div></body></html>'),
    ("OWA (es)", "html", "Sigue sin imprimir.",
     '<html><body><div>Sigue sin imprimir.</div><div id="appendonsend"></div><hr '
     'style="display:inline-block;width:98%"><div id="divRplyFwdMsg" dir="ltr"><font '
     'face="Calibri"><b>De:</b> Suport Unitat &lt;suport@upc.edu&gt;<br><b>Enviado:</b> '
     'martes<br><b>Para:</b> Jaume<br><b>Asunto:</b> RE: Impresora</font><div>&nbsp;</div>'
     '</div><div>Apague y encienda la impresora.</div></body></html>'),
    ("Apple Mail (es)", "html", "Ya funciona, gracias.",
     '<html><body>Ya funciona, gracias.<br><div><br><blockquote type="cite"><div>El 24 nov '
     '2026, a las 17:10, Suport Unitat &lt;suport@upc.edu&gt; escribió:</div><br><div>'
     'Apague y encienda la impresora.</div></blockquote></div></body></html>'),
    ("Zimbra (ca)", "html", "D'acord.",
     '<html><body><div><div>D\'acord.</div><div><br></div><hr id="zwchr"><div><b>De: </b>'
     '"Suport Unitat" &lt;suport@upc.edu&gt;<br><b>Per a: </b>"Jaume"<br><b>Enviats: </b>'
     'Dimarts<br><b>Assumpte: </b>Impressora<br></div><br><div>Apagueu i engegueu la '
     'impressora.</div></div></body></html>'),
    ("Thunderbird (ca)", "html", "Ja imprimeix.",
     '<html><body><p>Ja imprimeix.</p><div class="moz-cite-prefix">El 24/11/26 a les 17:10, '
     'Suport Unitat va escriure:<br></div><blockquote type="cite">Apagueu i engegueu la '
     'impressora.</blockquote><pre class="moz-signature" cols="72">-- \nJaume Moral'
     '</pre></body></html>'),
]


def _lines(text):
    return [" ".join(line.split()).strip("> ").strip()
            for line in text.replace("\xa0", " ").split("\n")
            if line.strip().strip(">").strip() and line.strip() != "--"]


def score(new, history, output):
    """(history lines, of them removed, new lines lost)."""
    out = set(_lines(output))
    old = [line for line in _lines(history) if line not in _lines(new)]
    removed = sum(1 for line in old if line not in out)
    lost = [line for line in _lines(new) if line not in out]
    return len(old), removed, lost


def only_quotequail(text):
    import quotequail
    found = quotequail.unwrap(text)
    if found and found.get("text_top"):
        return found["text_top"]
    parts = quotequail.quote(text)
    return "".join(t for shown, t in parts if shown) or text


def only_mail_parser_reply(text):
    from mailparser_reply import EmailReplyParser
    return EmailReplyParser(languages=["en", "es", "fr", "de", "it"]) \
        .parse_reply(text=text) or text


def run(name, strip, corpus, html=False):
    total = removed_total = 0
    losses = []
    start = time.perf_counter()
    rows = []
    for client, _, new, history in corpus:
        if html:
            full = history
            output = html_to_text(strip(full))
            hist = html_to_text(full)
        else:
            full = new + history + BOTTOM.get(client, "")
            new = new + BOTTOM.get(client, "")
            output = strip(full)
            hist = history
        count, removed, lost = score(new, hist, output)
        total += count
        removed_total += removed
        losses.extend((client, line) for line in lost)
        rows.append("    %-30s history %2d lines, removed %2d%s" % (
            client, count, removed, ("   NEW TEXT LOST: %r" % lost) if lost else ""))
    elapsed = time.perf_counter() - start
    print("%s: %d%% of the quoted history removed (%d of %d lines), new text lost in "
          "%d replies, %.1f ms per reply" % (
              name, 100 * removed_total / max(total, 1), removed_total, total,
              len({c for c, _ in losses}), 1000 * elapsed / len(corpus)))
    return rows


def main():
    print("replies benchmark: %d text replies, %d HTML replies\n" % (
        len(TEXT_REPLIES), len(HTML_REPLIES)))
    rows = run("comments (text)      mail.replies.strip_text", strip_text,
               TEXT_REPLIES)
    html_rows = run("comments (HTML)      mail.replies.strip_html", strip_html,
                    HTML_REPLIES, html=True)
    run("alternative          quotequail alone           ", only_quotequail,
        TEXT_REPLIES)
    run("alternative          mail-parser-reply alone    ", only_mail_parser_reply,
        TEXT_REPLIES)
    print("\nper reply (text):")
    print("\n".join(rows))
    print("per reply (HTML):")
    print("\n".join(html_rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
