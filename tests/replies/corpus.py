"""A corpus of replies, written as the mail clients write them, with the
sender's new text marked: what the reply reader must keep and what it must
take off (tests/test_reply_corpus.py, tests/test_reply_comments.py and
bench/replies.py read it).

Text replies are written line by line, each line led by a mark:
`+` the sender's new text (must stay), `-` the quoted history (must go),
`~` neither (blank lines, signatures, "Sent from my phone" taglines).
HTML replies carry their markup and two lists of phrases: the new text
and the history, checked on the markup's visible text.

Attributions, header blocks and separators are written in each client's
own words and layout (Gmail, Outlook, Apple Mail, Thunderbird, Android and
iOS clients, the webmails), in the languages a European desk meets. Gmail's
text part wraps long attributions at 76 columns, as Gmail does.
"""

import textwrap
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

__all__ = ["CLASSES", "Reply", "corpus", "check", "mime"]


@dataclass
class Reply:
    cls: str
    name: str
    kind: str            # "text" or "html"
    body: str
    new: list = field(default_factory=list)
    history: list = field(default_factory=list)


def text_reply(cls, name, marked):
    """A text reply from marked lines (see the module's docstring)."""
    lines, new, history = [], [], []
    for raw in textwrap.dedent(marked).strip("\n").split("\n"):
        mark, line = (raw[:1], raw[1:]) if raw else ("~", "")
        if mark not in "+-~":
            raise ValueError("unmarked corpus line %r in %s" % (raw, name))
        lines.append(line)
        if line.strip() and line.strip().strip(">").strip():
            (new if mark == "+" else history if mark == "-" else []).append(line)
    return Reply(cls, name, "text", "\n".join(lines) + "\n", new, history)


def html_reply(cls, name, markup, new, history):
    return Reply(cls, name, "html", markup, list(new), list(history))


def _norm(text):
    return " ".join(text.replace("\xa0", " ").split())


def check(reply, output):
    """(new text lost, history kept): lists of the phrases or lines."""
    if reply.kind == "text":
        kept = {_norm(line) for line in output.split("\n")}
        new = {_norm(line) for line in reply.new}
        lost = [line for line in reply.new if _norm(line) not in kept]
        left = [line for line in reply.history
                if _norm(line) in kept and _norm(line) not in new]
        return lost, left
    from mail.htmltext import html_to_text
    text = _norm(html_to_text(output))
    lost = [p for p in reply.new if _norm(p) not in text]
    left = [p for p in reply.history if _norm(p) in text]
    return lost, left


def mime(reply, subject, sender="jaume.moral@upc.edu", to="suport@upc.edu"):
    """The reply as a message its client would send (bytes)."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain="corpus.example")
    if reply.kind == "text":
        msg.set_content(reply.body)
    else:
        from mail.htmltext import html_to_text
        msg.set_content(html_to_text(reply.body))
        msg.add_alternative(reply.body, subtype="html")
    return bytes(msg)


def _wrap76(line):
    """Gmail's text part: long lines broken at 76 columns."""
    if len(line) <= 76:
        return [line]
    return textwrap.wrap(line, 76, break_long_words=False,
                         break_on_hyphens=False)


# ------------------------------------------------- attributions per language
# (language, new text, quoted text, [(client, attribution)]). Gmail's are
# as Gmail writes them in that language (date first or last, verb or none);
# Thunderbird's, Apple Mail's and the mobile clients' likewise.
LANGUAGES = [
    ("en", "It prints again after the restart, thanks.",
     "Please switch the printer off and on again.", [
         ("gmail", "On Tue, Mar 12, 2024 at 10:15 AM Anna Smith <anna.smith@example.org> wrote:"),
         ("thunderbird", "On 12/03/2024 10:15, Anna Smith wrote:"),
         ("apple", "On 12 Mar 2024, at 10:15, Anna Smith <anna.smith@example.org> wrote:"),
         ("outlook-mobile", "On Tue, Mar 12, 2024 at 10:15 AM +0100, \"Anna Smith\" <anna.smith@example.org> wrote:")]),
    ("de", "Der Drucker geht wieder, danke.",
     "Bitte schalten Sie den Drucker aus und wieder ein.", [
         ("gmail", "Am Di., 12. März 2024 um 10:15 Uhr schrieb Jonas Weber <jonas.weber@example.de>:"),
         ("thunderbird", "Am 12.03.24 um 10:15 schrieb Jonas Weber:"),
         ("apple", "Am 12.03.2024 um 10:15 schrieb Jonas Weber <jonas.weber@example.de>:")]),
    ("fr", "L'imprimante fonctionne de nouveau, merci.",
     "Veuillez éteindre puis rallumer l'imprimante.", [
         ("gmail", "Le mar. 12 mars 2024 à 10:15, Claire Martin <claire.martin@example.fr> a écrit :"),
         ("thunderbird", "Le 12/03/2024 à 10:15, Claire Martin a écrit :"),
         ("apple", "Le 12 mars 2024 à 10:15, Claire Martin <claire.martin@example.fr> a écrit :")]),
    ("es", "Ya imprime otra vez, gracias.", "Apague y encienda la impresora.", [
        ("gmail", "El mar, 12 mar 2024 a las 10:15, Lucía García (<lucia.garcia@example.es>) escribió:"),
        ("apple", "El 12 mar 2024, a las 10:15, Lucía García <lucia.garcia@example.es> escribió:"),
        ("thunderbird", "El 12/3/24 a las 10:15, Lucía García escribió:")]),
    ("it", "La stampante funziona di nuovo, grazie.",
     "Spegnete e riaccendete la stampante.", [
         ("gmail", "Il giorno mar 12 mar 2024 alle ore 10:15 Marco Rossi <marco.rossi@example.it> ha scritto:"),
         ("thunderbird", "Il 12/03/2024 10:15, Marco Rossi ha scritto:")]),
    ("pt", "A impressora voltou a funcionar, obrigado.",
     "Desligue e volte a ligar a impressora.", [
         ("gmail-br", "Em ter., 12 de mar. de 2024 às 10:15, João Silva <joao.silva@example.pt> escreveu:"),
         ("gmail-pt", "João Silva <joao.silva@example.pt> escreveu no dia terça, 12/03/2024 à(s) 10:15:")]),
    ("nl", "De printer werkt weer, bedankt.", "Zet de printer uit en weer aan.", [
        ("gmail", "Op di 12 mrt 2024 om 10:15 schreef Sanne de Vries <sanne.devries@example.nl>:"),
        ("thunderbird", "Op 12-03-2024 om 10:15 schreef Sanne de Vries:")]),
    ("pl", "Drukarka znowu działa, dziękuję.", "Proszę wyłączyć i włączyć drukarkę.", [
        ("gmail", "wt., 12 mar 2024 o 10:15 Jan Kowalski <jan.kowalski@example.pl> napisał(a):"),
        ("thunderbird", "W dniu 12.03.2024 o 10:15, Jan Kowalski pisze:"),
        ("onet", "Dnia 12.03.2024 o 10:15 Jan Kowalski <jan.kowalski@example.pl> napisał(a):")]),
    ("cs", "Tiskárna už zase tiskne, děkuji.", "Vypněte a zapněte tiskárnu.", [
        ("gmail", "út 12. 3. 2024 v 10:15 odesílatel Petr Novák <petr.novak@example.cz> napsal:"),
        ("thunderbird", "Dne 12. 03. 24 v 10:15 Petr Novák napsal(a):")]),
    ("sk", "Tlačiareň už opäť tlačí, ďakujem.", "Vypnite a zapnite tlačiareň.", [
        ("gmail", "ut 12. 3. 2024 o 10:15 Martin Horváth <martin.horvath@example.sk> napísal(a):"),
        ("thunderbird", "Dňa 12. 3. 2024 o 10:15 Martin Horváth napísal(a):")]),
    ("sl", "Tiskalnik spet deluje, hvala.", "Izklopite in znova vklopite tiskalnik.", [
        ("gmail", "V tor., 12. mar. 2024 ob 10:15 je oseba Ana Novak <ana.novak@example.si> napisala:"),
        ("thunderbird", "Dne 12. 03. 2024 ob 10:15 je Ana Novak napisal:")]),
    ("hr", "Pisač opet radi, hvala.", "Isključite i ponovno uključite pisač.", [
        ("gmail", "uto, 12. ožu 2024. u 10:15 Ivan Horvat <ivan.horvat@example.hr> napisao je:"),
        ("thunderbird", "12.3.2024. u 10:15, Ivan Horvat je napisao:")]),
    ("hu", "A nyomtató újra működik, köszönöm.", "Kapcsolja ki és be a nyomtatót.", [
        ("gmail", "Nagy Péter <peter.nagy@example.hu> ezt írta (időpont: 2024. márc. 12., K, 10:15):"),
        ("thunderbird", "2024. 03. 12. 10:15 keltezéssel, Nagy Péter írta:")]),
    ("ro", "Imprimanta funcționează din nou, mulțumesc.",
     "Opriți și porniți din nou imprimanta.", [
         ("gmail", "Andrei Popescu <andrei.popescu@example.ro> a scris (mar., 12 mar. 2024, 10:15):"),
         ("thunderbird", "Pe 12.03.2024 10:15, Andrei Popescu a scris:")]),
    ("bg", "Принтерът отново работи, благодаря.", "Моля, изключете и включете принтера.", [
        ("gmail", "вт, 12.03.2024 г. в 10:15 ч. Иван Петров <ivan.petrov@example.bg> написа:"),
        ("thunderbird", "На 12.03.24 г. в 10:15 ч., Иван Петров написа:")]),
    ("el", "Ο εκτυπωτής λειτουργεί ξανά, ευχαριστώ.",
     "Απενεργοποιήστε και ενεργοποιήστε τον εκτυπωτή.", [
         ("gmail", "Στις Τρί 12 Μαρ 2024 στις 10:15, ο/η Νίκος Παπαδόπουλος <nikos.papadopoulos@example.gr> έγραψε:"),
         ("thunderbird", "Στις 12/3/2024 10:15 π.μ., ο Νίκος Παπαδόπουλος έγραψε:")]),
    ("fi", "Tulostin toimii taas, kiitos.", "Sammuta tulostin ja käynnistä se uudelleen.", [
        ("gmail", "ti 12. maalisk. 2024 klo 10.15 Matti Virtanen (<matti.virtanen@example.fi>) kirjoitti:"),
        ("thunderbird", "Matti Virtanen kirjoitti 12.3.2024 klo 10.15:")]),
    ("sv", "Skrivaren fungerar igen, tack.", "Stäng av skrivaren och slå på den igen.", [
        ("gmail", "Den tis 12 mars 2024 kl 10:15 skrev Erik Johansson <erik.johansson@example.se>:"),
        ("apple", "12 mars 2024 kl. 10:15 skrev Erik Johansson <erik.johansson@example.se>:")]),
    ("da", "Printeren virker igen, tak.", "Sluk printeren og tænd den igen.", [
        ("gmail", "Den tir. 12. mar. 2024 kl. 10.15 skrev Mette Hansen <mette.hansen@example.dk>:"),
        ("apple", "Den 12. mar. 2024 kl. 10.15 skrev Mette Hansen <mette.hansen@example.dk>:")]),
    ("no", "Skriveren virker igjen, takk.", "Slå skriveren av og på igjen.", [
        ("gmail", "tir. 12. mar. 2024 kl. 10:15 skrev Ola Nordmann <ola.nordmann@example.no>:"),
        ("thunderbird", "Den 12.03.2024 10:15, skrev Ola Nordmann:")]),
    ("et", "Printer töötab jälle, aitäh.", "Lülitage printer välja ja uuesti sisse.", [
        ("gmail", "Kadri Tamm <kadri.tamm@example.ee> kirjutas kuupäeval T, 12. märts 2024 kell 10:15:"),
        ("thunderbird", "Kadri Tamm kirjutas 12.03.2024 10:15:")]),
    ("lv", "Printeris atkal darbojas, paldies.", "Lūdzu, izslēdziet un ieslēdziet printeri.", [
        ("gmail", "otrd., 2024. g. 12. marts, plkst. 10:15 — lietotājs Jānis Bērziņš (<janis.berzins@example.lv>) rakstīja:"),
        ("thunderbird", "12.03.2024 10:15, Jānis Bērziņš rakstīja:")]),
    ("lt", "Spausdintuvas vėl veikia, ačiū.", "Išjunkite ir vėl įjunkite spausdintuvą.", [
        ("gmail", "2024-03-12, an, 10:15 Jonas Kazlauskas <jonas.kazlauskas@example.lt> rašė:"),
        ("thunderbird", "2024-03-12 10:15, Jonas Kazlauskas rašė:")]),
    ("mt", "L-istampatur qed jaħdem mill-ġdid, grazzi.", "Itfi l-istampatur u erġa' ixgħelu.", [
        ("gmail", "Fit-Tlie, 12 ta' Marzu 2024 fil-10:15 Maria Borg <maria.borg@example.mt> kiteb:"),
        ("thunderbird", "Fl-12/03/2024 10:15, Maria Borg kiteb:")]),
    ("ga", "Tá an printéir ag obair arís, go raibh maith agat.",
     "Múch an printéir agus cuir ar siúl arís é.", [
         ("gmail", "Ar Máirt 12 Márta 2024 ag 10:15, scríobh Seán Ó Briain <sean.obriain@example.ie>:"),
         ("thunderbird", "Ar 12/03/2024 10:15, scríobh Seán Ó Briain:")]),
    ("ca", "La impressora torna a funcionar, gràcies.", "Apagueu i engegueu la impressora.", [
        ("gmail", "El dt., 12 de març 2024 a les 10:15, Jordi Puig (<jordi.puig@example.cat>) va escriure:"),
        ("thunderbird", "El 12/3/24 a les 10:15, Jordi Puig ha escrit:"),
        ("apple", "El 12 març 2024, a les 10:15, Jordi Puig <jordi.puig@example.cat> va escriure:")]),
    ("eu", "Inprimagailuak berriro dabil, eskerrik asko.", "Itzali eta piztu inprimagailua.", [
        ("gmail", "Miren Etxeberria (<miren.etxeberria@example.eus>) erabiltzaileak hau idatzi du (2024 mar. 12, ar. (10:15)):"),
        ("thunderbird", "2024/03/12 10:15(e)an, Miren Etxeberria(e)k idatzi zuen:")]),
    ("gl", "A impresora volve funcionar, grazas.", "Apague e acenda a impresora.", [
        ("gmail", "O mar., 12 de mar. de 2024 ás 10:15, Xoán Pérez (<xoan.perez@example.gal>) escribiu:"),
        ("thunderbird", "O 12/03/2024 ás 10:15, Xoán Pérez escribiu:")]),
    ("ru", "Принтер снова работает, спасибо.", "Выключите и снова включите принтер.", [
        ("gmail", "вт, 12 мар. 2024 г. в 10:15, Иван Иванов <ivan.ivanov@example.ru>:"),
        ("thunderbird", "12.03.2024 10:15, Иван Иванов пишет:"),
        ("outlook-mobile", "12 марта 2024 г., в 10:15, Иван Иванов <ivan.ivanov@example.ru> написал(а):")]),
    ("uk", "Принтер знову працює, дякую.", "Вимкніть і знову увімкніть принтер.", [
        ("gmail", "вт, 12 бер. 2024 р. о 10:15 Олена Коваленко <olena.kovalenko@example.ua> пише:"),
        ("thunderbird", "12.03.2024 10:15, Олена Коваленко написав(ла):")]),
    ("tr", "Yazıcı yeniden çalışıyor, teşekkürler.", "Lütfen yazıcıyı kapatıp yeniden açın.", [
        ("gmail", "Ayşe Yılmaz <ayse.yilmaz@example.com.tr>, 12 Mar 2024 Sal, 10:15 tarihinde şunu yazdı:"),
        ("thunderbird", "12.03.2024 10:15 tarihinde Ayşe Yılmaz yazdı:")]),
    ("ar", "الطابعة تعمل مرة أخرى، شكرًا.", "يرجى إيقاف تشغيل الطابعة ثم تشغيلها مرة أخرى.", [
        ("gmail", "في الثلاثاء، 12 مارس 2024 في 10:15 ص، كتب أحمد علي <ahmed.ali@example.sa>:"),
        ("thunderbird", "في 12/03/2024 10:15 ص، كتب أحمد علي:")]),
    ("he", "המדפסת עובדת שוב, תודה.", "נא לכבות ולהדליק את המדפסת.", [
        ("gmail", "בתאריך יום ג׳, 12 במרץ 2024 ב-10:15 מאת דנה כהן <dana.cohen@example.co.il>:"),
        ("thunderbird", "ב-12/03/2024 בשעה 10:15, דנה כהן כתב/ה:")]),
    ("zh", "打印机又能用了，谢谢。", "请关闭打印机再重新打开。", [
        ("gmail", "王伟 <wang.wei@example.cn> 于2024年3月12日周二 10:15写道："),
        ("gmail-tw", "王偉 <wang.wei@example.tw> 於 2024年3月12日 週二 上午10:15寫道："),
        ("foxmail", "王伟 <wang.wei@example.cn> 在 2024年3月12日 10:15 写道：")]),
    ("ja", "プリンターがまた使えるようになりました。ありがとうございます。",
     "プリンターの電源を入れ直してください。", [
         ("gmail", "2024年3月12日(火) 10:15 山田太郎 <taro.yamada@example.jp>:"),
         ("apple", "2024/03/12 10:15、山田太郎 <taro.yamada@example.jp>のメール:"),
         ("thunderbird", "2024/03/12 10:15, 山田太郎 wrote:")]),
    ("ko", "프린터가 다시 작동합니다. 감사합니다.", "프린터를 껐다가 다시 켜 주세요.", [
        ("gmail", "2024년 3월 12일 (화) 오전 10:15, 김민수 <minsu.kim@example.kr>님이 작성:"),
        ("apple", "2024. 3. 12. 오전 10:15, 김민수 <minsu.kim@example.kr> 작성:")]),
    ("vi", "Máy in đã hoạt động lại, cảm ơn.", "Vui lòng tắt máy in rồi bật lại.", [
        ("gmail", "Vào Th 3, 12 thg 3, 2024 vào lúc 10:15 Nguyễn Văn An <an.nguyen@example.vn> đã viết:")]),
]


def _attribution_replies():
    for lang, new, quoted, clients in LANGUAGES:
        for client, attribution in clients:
            name = "%s-%s" % (lang, client)
            if client.startswith("gmail") or client == "outlook-mobile":
                attr = "\n".join("-" + line for line in _wrap76(attribution))
                marked = "+%s\n\n%s\n\n-> %s\n->\n-> (2) %s\n" % (
                    new, attr, quoted, quoted)
            elif client == "apple":
                marked = "+%s\n~\n~Sent from my iPhone\n\n-> %s\n->\n-> %s\n" % (
                    new, attribution, quoted)
            else:  # Thunderbird and friends: no blank line before the quote
                marked = "+%s\n\n-%s\n-> %s\n" % (new, attribution, quoted)
            yield text_reply("attribution-language", name, marked)


# ------------------------------------------------ attributions of other shapes
def _shapes():
    T = text_reply
    yield T("attribution-wordless", "gmail-old-iso-date", """
        +The scanner works again.
        +I will close the ticket myself.

        -2024-03-12 10:15 GMT+01:00 Jan Kowalski <jan.kowalski@example.pl>:
        -> Please restart the scanner.
        ->
        -> Jan
        """)
    yield T("attribution-wordless", "yandex-text", """
        +Спасибо, всё заработало.

        -12.03.2024, 10:15, "Иван Иванов" <ivan.ivanov@yandex.example>:
        -> Перезагрузите, пожалуйста, компьютер.
        """)
    yield T("attribution-wordless", "mailru-text", """
        +Да, проблема решена.

        -Вторник, 12 марта 2024, 10:15 +03:00 от Иван Иванов <ivan.ivanov@mail.example>:
        -> Проверьте подключение к сети.
        """)
    yield T("attribution-wordless", "slash-date-name-address", """
        +Done, the account is unlocked now.
        -12/03/2024 10:15, Anna Smith <anna.smith@example.org>:
        -> Could you unlock my account?
        """)
    yield T("attribution-wordless", "gmail-ja-wrapped", """
        +承知しました。明日確認します。

        -2024年3月12日(火) 10:15 山田太郎
        -<taro.yamada.support.desk@example.co.jp>:
        -> サーバーを再起動してください。
        """)
    yield T("attribution-multiline", "gmail-three-lines", """
        +The VPN connects now.

        -On Tue, Mar 12, 2024 at 10:15 AM
        -Anna Smith <anna.smith@example.org>
        -wrote:
        -> Please reinstall the VPN client.
        """)
    yield T("attribution-multiline", "gmail-address-wrapped", """
        +Thanks, that fixed it.
        -On Tue, Mar 12, 2024 at 10:15 AM Anna Smith-Richardson <
        -anna.smith-richardson@example.org> wrote:

        -> Clear the browser cache and try again.
        """)
    yield T("attribution-multiline", "german-wrapped", """
        +Es funktioniert jetzt, vielen Dank.

        -Am Di., 12. März 2024 um 10:15 Uhr schrieb Jonas Weber
        -<jonas.weber@example.de>:

        -> Bitte leeren Sie den Browser-Cache.
        """)
    yield T("attribution-multiline", "outlook-mac-wrapped", """
        +Confirmed, the shared folder opens again.

        -On 12/03/2024, 10:15, "Anna Smith" <anna.smith@example.org>
        -wrote:

        -    Please map the drive again.
        """.replace("-    Please", "-Please"))
    yield T("attribution-dashed", "zoho", """
        +The invoice is attached now.

        ~Regards,
        ~Jan

        ---- On Tue, 12 Mar 2024 10:15:00 +0100 Anna Smith <anna.smith@example.org> wrote ----

        -Could you send the invoice again?
        -The attachment was missing.
        """)
    yield T("attribution-dashed", "zoho-german", """
        +Die Rechnung ist jetzt angehängt.

        ---- Am Di, 12 Mär 2024 10:15:00 +0100 Jonas Weber <jonas.weber@example.de> schrieb ----

        -> Könnten Sie die Rechnung erneut senden?
        """)
    yield T("attribution-dashed", "android", """
        +I'm out of the office, I'll check it tomorrow.

        ~Sent from my Galaxy

        ---- On 12 Mar 2024 10:15, Anna Smith <anna.smith@example.org> wrote ----
        -> The backup failed again tonight.
        """)
    yield T("attribution-sent", "android-sent", """
        +Yes, please go ahead with the replacement.

        -On 12 Mar 2024 10:15, Anna Smith <anna.smith@example.org> sent:
        -> Shall we replace the toner cartridge?
        """)
    yield T("attribution-sent", "blackberry-sent", """
        +Agreed.

        -Anna Smith <anna.smith@example.org> sent:
        -> Can we move the maintenance window to Friday?
        """)
    yield T("attribution-sent", "sent-unquoted", """
        +Approved.

        -On Tue, 12 Mar 2024 10:15, Anna Smith <anna.smith@example.org> sent:

        -Please approve the purchase of two monitors.
        """)
    yield T("attribution-no-blank", "gmail-no-blank", """
        +Works, thanks!
        -On Tue, Mar 12, 2024 at 10:15 AM Anna Smith <anna.smith@example.org> wrote:
        -> Try logging out and in again.
        """)
    yield T("attribution-no-blank", "thunderbird-catalan", """
        +Ara sí que funciona.
        -El 12/3/24 a les 10:15, Jordi Puig va escriure:
        -> Torneu a iniciar la sessió.
        """)
    yield T("attribution-no-blank", "mutt", """
        +Fixed on my side.
        -* Anna Smith <anna.smith@example.org> [2024-03-12 10:15]:
        -> The mailing list bounces my mail.
        """)


# ------------------------------------------------- Outlook header blocks
# (language, From, Sent, To, Subject, new, quoted): Outlook's labels.
OUTLOOK = [
    ("da", "Fra", "Sendt", "Til", "Emne", "Det virker nu, tak.", "Genstart computeren."),
    ("ru", "От", "Отправлено", "Кому", "Тема", "Теперь работает, спасибо.", "Перезагрузите компьютер."),
    ("de", "Von", "Gesendet", "An", "Betreff", "Jetzt klappt es, danke.", "Starten Sie den Rechner neu."),
    ("fr", "De :", "Envoyé :", "À :", "Objet :", "Ça marche maintenant, merci.", "Redémarrez l'ordinateur."),
    ("es", "De", "Enviado el", "Para", "Asunto", "Ahora funciona, gracias.", "Reinicie el ordenador."),
    ("it", "Da", "Inviato", "A", "Oggetto", "Ora funziona, grazie.", "Riavviate il computer."),
    ("pt", "De", "Enviado", "Para", "Assunto", "Agora funciona, obrigado.", "Reinicie o computador."),
    ("nl", "Van", "Verzonden", "Aan", "Onderwerp", "Nu werkt het, bedankt.", "Start de computer opnieuw op."),
    ("pl", "Od", "Wysłano", "Do", "Temat", "Teraz działa, dziękuję.", "Proszę ponownie uruchomić komputer."),
    ("cs", "Od", "Odesláno", "Komu", "Předmět", "Už to funguje, díky.", "Restartujte počítač."),
    ("sk", "Od", "Odoslané", "Komu", "Predmet", "Už to funguje, vďaka.", "Reštartujte počítač."),
    ("sl", "Od", "Poslano", "Za", "Zadeva", "Zdaj deluje, hvala.", "Znova zaženite računalnik."),
    ("hr", "Od", "Poslano", "Za", "Predmet", "Sada radi, hvala.", "Ponovno pokrenite računalo."),
    ("hu", "Feladó", "Elküldve", "Címzett", "Tárgy", "Most már működik, köszönöm.", "Indítsa újra a számítógépet."),
    ("ro", "De la", "Trimis", "Către", "Subiect", "Acum merge, mulțumesc.", "Reporniți calculatorul."),
    ("bg", "От", "Изпратено", "До", "Относно", "Сега работи, благодаря.", "Рестартирайте компютъра."),
    ("el", "Από", "Στάλθηκε", "Προς", "Θέμα", "Τώρα λειτουργεί, ευχαριστώ.", "Επανεκκινήστε τον υπολογιστή."),
    ("fi", "Lähettäjä", "Lähetetty", "Vastaanottaja", "Aihe", "Nyt toimii, kiitos.", "Käynnistä tietokone uudelleen."),
    ("sv", "Från", "Skickat", "Till", "Ämne", "Nu fungerar det, tack.", "Starta om datorn."),
    ("no", "Fra", "Sendt", "Til", "Emne", "Nå virker det, takk.", "Start datamaskinen på nytt."),
    ("et", "Saatja", "Saadetud", "Adressaat", "Teema", "Nüüd töötab, aitäh.", "Taaskäivitage arvuti."),
    ("lv", "No", "Nosūtīts", "Kam", "Tēma", "Tagad darbojas, paldies.", "Restartējiet datoru."),
    ("lt", "Nuo", "Išsiųsta", "Kam", "Tema", "Dabar veikia, ačiū.", "Paleiskite kompiuterį iš naujo."),
    ("ca", "De", "Enviat", "Per a", "Assumpte", "Ara funciona, gràcies.", "Reinicieu l'ordinador."),
    ("eu", "Nork", "Noiz", "Nori", "Gaia", "Orain badabil, eskerrik asko.", "Berrabiarazi ordenagailua."),
    ("uk", "Від", "Надіслано", "Кому", "Тема", "Тепер працює, дякую.", "Перезавантажте комп'ютер."),
    ("tr", "Kimden", "Gönderildi", "Kime", "Konu", "Şimdi çalışıyor, teşekkürler.", "Bilgisayarı yeniden başlatın."),
    ("ar", "من", "تم الإرسال", "إلى", "الموضوع", "يعمل الآن، شكرًا.", "أعد تشغيل الحاسوب."),
    ("he", "מאת", "נשלח", "אל", "נושא", "עכשיו זה עובד, תודה.", "הפעילו מחדש את המחשב."),
    ("zh", "发件人", "发送时间", "收件人", "主题", "现在可以用了，谢谢。", "请重新启动电脑。"),
    ("ja", "差出人", "送信日時", "宛先", "件名", "直りました。ありがとうございます。", "パソコンを再起動してください。"),
    ("ko", "보낸 사람", "보낸 날짜", "받는 사람", "제목", "이제 작동합니다. 감사합니다.", "컴퓨터를 다시 시작하세요."),
]


def _label(word):
    return word if word.endswith(":") else word + ":"


def _outlook_replies():
    for n, (lang, frm, sent, to, subject, new, quoted) in enumerate(OUTLOOK):
        rule = ["", "-________________________________", "-" + "_" * 40][n % 3]
        marked = "\n".join(line for line in [
            "+" + new, "~", "~Jan Kowalski", "~", rule,
            "-%s Suport Unitat <suport@upc.edu>" % _label(frm),
            "-%s 12.03.2024 10:15" % _label(sent),
            "-%s Jan Kowalski <jan.kowalski@example.pl>" % _label(to),
            "-%s RE: [Suport Unitat 1234] PC" % _label(subject),
            "~", "-" + quoted, "~", "-Suport Unitat - UPC"] if line != "")
        yield text_reply("outlook-header-language", "outlook-" + lang, marked)
    T = text_reply
    yield T("outlook-bold-wrapped", "bold-english-wrapped-address", """
        +The license server answers again.

        -*From:* Anna Smith-Richardson <anna.smith-richardson@
        -example.org>
        -*Sent:* Tuesday, March 12, 2024 10:15 AM
        -*To:* Suport <suport@upc.edu>
        -*Subject:* License server down

        -The license server does not answer since this morning.
        """)
    yield T("outlook-bold-wrapped", "bold-french-mailto-wrapped", """
        +Merci, c'est réglé.

        -*De :* Claire Martin [mailto:claire.martin@
        -example.fr]
        -*Envoyé :* mardi 12 mars 2024 10:15
        -*À :* Support <suport@upc.edu>
        -*Objet :* Imprimante

        -L'imprimante du 2e étage ne répond plus.
        """)
    yield T("outlook-bold-wrapped", "bold-german-cc", """
        +Erledigt.

        -*Von:* Jonas Weber <jonas.weber@example.de>
        -*Gesendet:* Dienstag, 12. März 2024 10:15
        -*An:* Support <suport@upc.edu>
        -*Cc:* Anna Smith <anna.smith@example.org>
        -*Betreff:* Zugang zum Laufwerk

        -Ich komme nicht auf das Laufwerk.
        """)
    yield T("outlook-bold-wrapped", "bold-spanish-one-line", """
        +Ya está resuelto.

        -*De:* Lucía García <lucia.garcia@example.es> *Enviado:* martes, 12 de marzo de 2024 10:15 *Para:* Soporte <suport@upc.edu> *Asunto:* Correo

        -No recibo correo desde ayer.
        """)


SEPARATORS = [
    ("Reply Message", "en", "Noted, thanks."),
    ("Antwort Nachricht", "de", "Danke, erledigt."),
    ("Oprindelig meddelelse", "da", "Tak, det er løst."),
    ("Mensaje original", "es", "Gracias, resuelto."),
    ("Missatge original", "ca", "Gràcies, resolt."),
    ("Ursprüngliche Nachricht", "de-2", "Vielen Dank."),
    ("Message d'origine", "fr", "Merci beaucoup."),
    ("Messaggio originale", "it", "Grazie mille."),
    ("Oorspronkelijk bericht", "nl", "Hartelijk dank."),
    ("Oryginalna wiadomość", "pl", "Bardzo dziękuję."),
    ("Исходное сообщение", "ru", "Большое спасибо."),
    ("Original Message", "en-2", "Many thanks."),
]


def _separator_replies():
    for n, (phrase, lang, new) in enumerate(SEPARATORS):
        if n % 3 == 0:
            line = "-----%s-----" % phrase
        elif n % 3 == 1:
            line = "----- %s -----" % phrase
        else:
            line = "-------- %s --------" % phrase
        marked = "\n".join([
            "+" + new, "", "-" + line,
            "-From: Suport Unitat <suport@upc.edu>",
            "-Date: 12.03.2024 10:15", "-To: jan.kowalski@example.pl",
            "-Subject: Ticket 1234", "", "-Original text number %d." % n])
        if n % 4 == 3:  # a separator with the text right under it
            marked = "\n".join(["+" + new, "", "-" + line, "",
                                "-Original text number %d." % n])
        yield text_reply("separator-language", "separator-" + lang, marked)


# ------------------------------------------------- where the new text is
def _placement():
    T = text_reply
    yield T("bottom-posting", "mutt", """
        -On Tue, Mar 12, 2024 at 10:15:00AM +0100, Anna Smith wrote:
        -> Please restart the printer.
        -> Does it print now?

        +Restarted, it prints now.
        +Tray 2 still jams.
        """)
    yield T("bottom-posting", "thunderbird-bottom", """
        -El 12/3/24 a les 10:15, Jordi Puig va escriure:
        -> Quina impressora és?
        ~
        +La del segon pis, la HP.

        ~--
        ~Jaume
        """)
    yield T("bottom-posting", "gmail-bottom-no-attribution-blank", """
        -On Tue, Mar 12, 2024 at 10:15 AM Anna Smith <anna.smith@example.org> wrote:

        -> Which room?
        +B3, second floor.
        """)
    yield T("interleaved", "two-answers", """
        -On Tue, Mar 12, 2024 at 10:15 AM Anna Smith <anna.smith@example.org> wrote:
        -> Which operating system do you use?
        +Windows 11.

        -> And which browser?
        +Firefox 124.
        """)
    yield T("interleaved", "three-answers-nested", """
        +See my answers below.

        -Am 12.03.2024 um 10:15 schrieb Jonas Weber:
        -> 1. Is the cable plugged in?
        +Yes.
        -> 2. Does the light blink?
        +No, it stays off.
        -> 3. Did it work yesterday?
        ->> Original problem report.
        +It did.
        """)
    yield T("interleaved", "outlook-style-inline", """
        +Answers inline.

        -Le 12/03/2024 à 10:15, Claire Martin a écrit :
        -> Quel est le numéro de série ?
        +SN-4455-XY

        -> Depuis quand ?
        +Depuis lundi.
        """)
    yield T("closing-under-quote", "name-under", """
        +It works now.

        -On Tue, Mar 12, 2024 at 10:15 AM Anna Smith <anna.smith@example.org> wrote:
        -> Please restart.

        +Jan Kowalski
        """)
    yield T("closing-under-quote", "regards-under", """
        +Gràcies per l'ajuda.

        -El 12/3/24 a les 10:15, Jordi Puig va escriure:
        -> Proveu-ho ara.

        +Salutacions,
        +Jaume Moral
        """)
    yield T("closing-under-quote", "thanks-under-wordless", """
        +Solved.
        -2024-03-12 10:15 GMT+01:00 Anna Smith <anna.smith@example.org>:
        -> Is it solved?
        +Thanks again,
        +Jan
        """)
    yield T("gt-quotes-nothing", "menu-path", """
        +Where is this setting?
        +> Settings > Accounts > Mail
        +does not show the signature box.
        """)
    yield T("gt-quotes-nothing", "python-prompt", """
        +The script fails in the console:
        +>>> import ldap3
        +ModuleNotFoundError: No module named 'ldap3'
        """)
    yield T("gt-quotes-nothing", "greater-or-equal", """
        +We need a disk of
        +>= 500 GB for the new server.

        -On Tue, Mar 12, 2024 at 10:15 AM Anna Smith <anna.smith@example.org> wrote:
        -> How much space do you need?
        """)
    yield T("gt-quotes-nothing", "arrow-steps", """
        +Steps:
        +> open the VPN client
        +> click Connect
        +and then it freezes.

        -El 12/3/24 a les 10:15, Jordi Puig va escriure:
        -> Què feu exactament?
        """)
    yield T("quote-with-forward", "gmail-quoted-forward", """
        +I checked, the supplier confirmed the delivery date.

        -On Tue, Mar 12, 2024 at 10:15 AM Anna Smith <anna.smith@example.org> wrote:
        -> See the supplier's answer below.
        ->
        -> ---------- Forwarded message ---------
        -> From: Supplier <sales@supplier.example>
        -> Date: Mon, Mar 11, 2024 at 9:00 AM
        -> Subject: Delivery
        ->
        -> The delivery is planned for Friday.
        """)
    yield T("quote-with-forward", "outlook-history-with-forward", """
        +Thanks, I will tell the users.

        -From: Anna Smith <anna.smith@example.org>
        -Sent: Tuesday, March 12, 2024 10:15 AM
        -To: Suport <suport@upc.edu>
        -Subject: FW: Maintenance

        -FYI.

        -Begin forwarded message:

        -From: Data Centre <dc@example.org>
        -Subject: Maintenance
        -The maintenance is on Saturday.
        """)
    yield T("quote-with-forward", "catalan-quoted-forward", """
        +D'acord, ho miro demà.

        -El dt., 12 de març 2024 a les 10:15, Jordi Puig (<jordi.puig@example.cat>) va escriure:
        -> Mira això.
        -> ---------- Missatge reenviat ---------
        -> De: Proveïdor <vendes@proveidor.example>
        -> Assumpte: Factura
        -> La factura està pendent.
        """)
    yield T("quote-with-forward", "apple-quoted-forward", """
        +Got it.

        -> On 12 Mar 2024, at 10:15, Anna Smith <anna.smith@example.org> wrote:
        ->
        -> Begin forwarded message:
        ->
        ->> From: Vendor <vendor@example.com>
        ->> Subject: Renewal
        ->> The licence expires in April.
        """)


# ------------------------------------------------- HTML of the webmails
NEW_EN = "The printer on floor 2 works again, thanks."
OLD_EN = "Please switch the printer off and on again."


def _webmails():
    H = html_reply
    yield H("html-webmail", "yandex", (
        '<div>Принтер снова работает, спасибо.</div><div> </div>'
        '<div>12.03.2024, 10:15, "Иван Иванов" &lt;ivan.ivanov@yandex.example&gt;:</div>'
        '<blockquote><div>Выключите и снова включите принтер.</div></blockquote>'),
        ["Принтер снова работает, спасибо."],
        ["Выключите и снова включите принтер.", "Иван Иванов"])
    yield H("html-webmail", "yandex-english", (
        '<div>' + NEW_EN + '</div><div><br /></div><div><br /></div>'
        '<div>12.03.2024, 10:15, "Anna Smith" &lt;anna.smith@yandex.example&gt;:</div>'
        '<blockquote><div>' + OLD_EN + '</div><div>--<br />Anna</div></blockquote>'),
        [NEW_EN], [OLD_EN, "Anna Smith"])
    yield H("html-webmail", "mailru", (
        '<HTML><BODY><div>Да, проблема решена.</div><div>&nbsp;</div><div>&nbsp;</div>'
        '<blockquote style="border-left:1px solid #0857A6; margin:10px; padding:0 0 0 10px;">'
        'Вторник, 12 марта 2024, 10:15 +03:00 от Иван Иванов &lt;'
        '<a href="mailto:ivan.ivanov@mail.example">ivan.ivanov@mail.example</a>&gt;:<br>&nbsp;'
        '<div id=""><div class="js-helper js-readmsg-msg"><div><div id="style_17102_BODY">'
        'Проверьте подключение к сети.</div></div></div></div></blockquote></BODY></HTML>'),
        ["Да, проблема решена."], ["Проверьте подключение к сети.", "Иван Иванов"])
    yield H("html-webmail", "mailru-attribution-outside", (
        '<HTML><BODY><div>' + NEW_EN + '</div><div>&nbsp;</div>'
        '<div>Tuesday, 12 March 2024, 10:15 +03:00 from Anna Smith &lt;'
        '<a href="mailto:anna.smith@mail.example">anna.smith@mail.example</a>&gt;:<br></div>'
        '<blockquote style="border-left:1px solid #0857A6; margin:10px; padding:0 0 0 10px;">'
        '<div id=""><div class="js-helper js-readmsg-msg"><div>' + OLD_EN + '</div></div></div>'
        '</blockquote></BODY></HTML>'),
        [NEW_EN], [OLD_EN, "Anna Smith"])
    for lang, frm, sent, to, subject, new, old in [
            ("en", "From", "Sent", "To", "Subject", NEW_EN, OLD_EN),
            ("de", "Von", "Gesendet", "An", "Betreff", "Jetzt klappt es, danke.",
             "Starten Sie den Rechner neu.")]:
        yield H("html-webmail", "windows-mail-" + lang, (
            '<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><meta '
            'http-equiv="Content-Type" content="text/html; charset=utf-8"></head><body lang="CA" '
            'link="blue" vlink="#954F72"><div class="WordSection1"><p class="MsoNormal">'
            + new + '</p><p class="MsoNormal"><o:p>&nbsp;</o:p></p><p class="MsoNormal">Sent '
            'from <a href="https://go.microsoft.com/fwlink/?LinkId=550986">Mail</a> for '
            'Windows</p><p class="MsoNormal"><o:p>&nbsp;</o:p></p><div style="mso-element:'
            'para-border-div;border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm">'
            '<p class="MsoNormal" style="border:none;padding:0cm"><b>' + frm + ': </b><a '
            'href="mailto:suport@upc.edu">Suport Unitat</a><br><b>' + sent + ': </b>12.03.2024 '
            '10:15<br><b>' + to + ': </b><a href="mailto:jan@example.pl">Jan</a><br><b>'
            + subject + ': </b>Printer</p></div><p class="MsoNormal"><o:p>&nbsp;</o:p></p>'
            '<p class="MsoNormal">' + old + '</p></div></body></html>'),
            [new], [old, "Suport Unitat"])
    yield H("html-webmail", "zimbra-8", (
        '<html><body><div style="font-family: arial, helvetica, sans-serif; font-size: 12pt; '
        'color: #000000"><div>' + NEW_EN + '</div><div><br></div><hr id="zwchr" '
        'data-marker="__DIVIDER__"><div data-marker="__HEADERS__"><b>From: </b>"Anna Smith" '
        '&lt;anna.smith@example.org&gt;<br><b>To: </b>"Jan" &lt;jan@example.pl&gt;<br><b>Sent: '
        '</b>Tuesday, March 12, 2024 10:15:00 AM<br><b>Subject: </b>Printer<br></div><div><br>'
        '</div><div data-marker="__QUOTED_TEXT__"><div>' + OLD_EN + '</div></div></div>'
        '</body></html>'),
        [NEW_EN], [OLD_EN, "Anna Smith"])
    yield H("html-webmail", "zimbra-catalan", (
        '<html><body><div style="font-family: arial; font-size: 12pt; color: #000000">'
        '<div>D\'acord, ara ja imprimeix.</div><div><br></div><hr id="zwchr"><div style="color:'
        '#000;font-weight:normal;font-style:normal;text-decoration:none;font-family:Helvetica,'
        'Arial,sans-serif;font-size:12pt;"><b>De: </b>"Suport Unitat" &lt;suport@upc.edu&gt;<br>'
        '<b>Per a: </b>"Jaume" &lt;jaume@upc.edu&gt;<br><b>Enviats: </b>Dimarts, 12 de març '
        '2024 10:15:00<br><b>Assumpte: </b>Impressora<br></div><br><div>Apagueu i engegueu la '
        'impressora.</div></div></body></html>'),
        ["D'acord, ara ja imprimeix."], ["Apagueu i engegueu la impressora.", "Suport Unitat"])
    yield H("html-webmail", "roundcube", (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8" /></head>'
        '<body style=\'font-size: 10pt; font-family: Verdana,Geneva,sans-serif\'><p>' + NEW_EN
        + '</p><p>&nbsp;</p><p id="reply-intro">On 2024-03-12 10:15, Anna Smith wrote:</p>'
        '<blockquote type="cite" style="padding: 0 0.4em; border-left: #1010ff 2px solid; '
        'margin: 0"><div class="pre" style="margin: 0; padding: 0; font-family: monospace">'
        + OLD_EN + '</div></blockquote><p><br /></p><div id="signature">-- <br />Jan</div>'
        '</body></html>'),
        [NEW_EN], [OLD_EN, "Anna Smith wrote"])
    yield H("html-webmail", "roundcube-german", (
        '<html><body style=\'font-size: 10pt\'><p>Jetzt klappt es, danke.</p>'
        '<p>Am 12.03.2024 10:15, schrieb Jonas Weber:</p><blockquote type="cite" '
        'style="padding: 0 0.4em; border-left: #1010ff 2px solid; margin: 0">'
        '<div class="pre" style="margin: 0; padding: 0; font-family: monospace">Starten Sie '
        'den Rechner neu.</div></blockquote></body></html>'),
        ["Jetzt klappt es, danke."], ["Starten Sie den Rechner neu.", "Jonas Weber"])
    yield H("html-webmail", "horde", (
        '<html><body style="font-family:Arial;font-size:14px"><p>' + NEW_EN + '</p><br>'
        '<div>Quoting Anna Smith &lt;anna.smith@example.org&gt;:</div><blockquote type="cite" '
        'style="border-left:2px solid blue;margin-left:2px;padding-left:12px;">' + OLD_EN
        + '<br></blockquote><br></body></html>'),
        [NEW_EN], [OLD_EN, "Anna Smith"])
    yield H("html-webmail", "horde-german", (
        '<html><body><p>Danke, erledigt.</p>Zitat von Jonas Weber &lt;'
        'jonas.weber@example.de&gt;:<br><blockquote type="cite" style="border-left:2px solid '
        'blue;margin-left:2px;padding-left:12px;">Bitte senden Sie das Protokoll.<br>'
        '</blockquote><br></body></html>'),
        ["Danke, erledigt."], ["Bitte senden Sie das Protokoll.", "Jonas Weber"])
    yield H("html-webmail", "yahoo", (
        '<html><head></head><body><div class="yahoo-style-wrap" style="font-family:Helvetica '
        'Neue, Helvetica, Arial, sans-serif;font-size:13px;"><div dir="ltr" '
        'data-setdir="false">' + NEW_EN + '</div></div><div id="yahoo_quoted_4412093318" '
        'class="yahoo_quoted"><div style="font-family:\'Helvetica Neue\', Helvetica, Arial, '
        'sans-serif;font-size:13px;color:#26282a;"><div>On Tuesday, March 12, 2024 at '
        '10:15:00 AM GMT+1, Anna Smith &lt;anna.smith@example.org&gt; wrote:</div><div><br>'
        '</div><div><br></div><div><div dir="ltr">' + OLD_EN + '</div></div></div></div>'
        '</body></html>'),
        [NEW_EN], [OLD_EN, "Anna Smith"])
    yield H("html-webmail", "yahoo-requoted", (
        '<html><body><div class="ydp5c1f2a8byahoo-style-wrap"><div>Jetzt klappt es, danke.'
        '</div></div><div id="ydp7e3a9c2dyahoo_quoted_5521" class="ydp7e3a9c2dyahoo_quoted">'
        '<div><div>Am Dienstag, 12. März 2024 um 10:15:00 MEZ hat Jonas Weber '
        '&lt;jonas.weber@example.de&gt; Folgendes geschrieben:</div><div><br></div>'
        '<div>Starten Sie den Rechner neu.</div></div></div></body></html>'),
        ["Jetzt klappt es, danke."], ["Starten Sie den Rechner neu.", "Jonas Weber"])
    yield H("html-webmail", "protonmail", (
        '<div style="font-family: Arial, sans-serif; font-size: 14px;">' + NEW_EN + '</div>'
        '<div style="font-family: Arial, sans-serif; font-size: 14px;"><br></div>'
        '<div class="protonmail_signature_block" style="font-family: Arial, sans-serif; '
        'font-size: 14px;"><div class="protonmail_signature_block-user '
        'protonmail_signature_block-empty"></div><div class="protonmail_signature_block-proton">'
        'Sent with <a target="_blank" href="https://proton.me/">Proton Mail</a> secure email.'
        '</div></div><div style="font-family: Arial, sans-serif; font-size: 14px;"><br></div>'
        '<div class="protonmail_quote">On Tuesday, March 12th, 2024 at 10:15, Anna Smith '
        '&lt;anna.smith@example.org&gt; wrote:<br><br><blockquote class="protonmail_quote" '
        'type="cite"><div>' + OLD_EN + '</div></blockquote><br></div>'),
        [NEW_EN], [OLD_EN, "Anna Smith"])
    yield H("html-webmail", "protonmail-french", (
        '<div>Merci, c\'est réglé.</div><div><br></div><div class="protonmail_quote">'
        'Le mardi 12 mars 2024 à 10:15, Claire Martin &lt;claire.martin@example.fr&gt; a écrit'
        '&nbsp;:<br><blockquote class="protonmail_quote" type="cite"><div>L\'imprimante ne '
        'répond plus.</div></blockquote></div>'),
        ["Merci, c'est réglé."], ["L'imprimante ne répond plus.", "Claire Martin"])
    yield H("html-webmail", "gmail-bottom-html", (
        '<div dir="ltr"><br></div><br><div class="gmail_quote"><div dir="ltr" '
        'class="gmail_attr">On Tue, Mar 12, 2024 at 10:15 AM Anna Smith &lt;<a '
        'href="mailto:anna.smith@example.org">anna.smith@example.org</a>&gt; wrote:<br></div>'
        '<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid '
        'rgb(204,204,204);padding-left:1ex"><div dir="ltr">' + OLD_EN + '</div></blockquote>'
        '</div><div>Restarted, it prints now.</div>'),
        ["Restarted, it prints now."], [OLD_EN, "Anna Smith"])
    yield H("html-webmail", "thunderbird-bottom-html", (
        '<html><body><div class="moz-cite-prefix">El 12/3/24 a les 10:15, Jordi Puig va '
        'escriure:<br></div><blockquote type="cite">Quina impressora és?</blockquote>'
        '<p>La del segon pis, la HP.</p><p>Jaume</p></body></html>'),
        ["La del segon pis, la HP.", "Jaume"], ["Quina impressora és?", "Jordi Puig"])
    yield H("html-webmail", "gmail-forward-in-quote", (
        '<div dir="ltr">The supplier confirmed the date.</div><br><div class="gmail_quote">'
        '<div dir="ltr" class="gmail_attr">On Tue, Mar 12, 2024 at 10:15 AM Anna Smith &lt;'
        'anna.smith@example.org&gt; wrote:<br></div><blockquote class="gmail_quote">See below.'
        '<br><br>---------- Forwarded message ---------<br>From: Supplier &lt;sales@supplier.'
        'example&gt;<br>Subject: Delivery<br><br>The delivery is planned for Friday.'
        '</blockquote></div>'),
        ["The supplier confirmed the date."], ["The delivery is planned for Friday.",
                                                "See below."])
    yield H("html-webmail", "new-blockquote-kept", (
        '<div>The error message says:</div><blockquote>Access denied for user jan</blockquote>'
        '<div>What should I do?</div>'),
        ["The error message says:", "Access denied for user jan", "What should I do?"], [])


# ------------------------------------------------- the common clients
def _common():
    T = text_reply
    yield T("common-clients", "gmail-en", """
        +It prints again after the restart, thanks.

        -On Tue, Nov 24, 2026 at 5:10 PM Suport Unitat <suport@upc.edu> wrote:

        -> Please switch the printer off and on again.
        ->
        -> Regards,
        -> Suport
        """)
    yield T("common-clients", "outlook-ca", """
        +Continua sense imprimir en color.

        ~Jaume Moral

        -De: Suport Unitat <suport@upc.edu>
        -Enviat: dimarts, 24 de novembre de 2026 17:10
        -Per a: Jaume Moral <jaume.moral@upc.edu>
        -Assumpte: [Suport Unitat 1234] Impressora

        -Apagueu i engegueu la impressora.
        """)
    yield T("common-clients", "old-outlook-en", """
        +Done, thanks.

        ------Original Message-----
        -From: Suport Unitat [mailto:suport@upc.edu]
        -Sent: Tuesday, November 24, 2026 5:10 PM
        -To: Jaume Moral
        -Subject: RE: printer

        -Please restart the printer.
        """)
    yield T("common-clients", "zimbra-ca", """
        +D'acord, ara ja imprimeix a doble cara.

        ------ Missatge original -----
        -De: "Suport Unitat" <suport@upc.edu>
        -Per a: "Jaume Moral" <jaume.moral@upc.edu>
        -Enviats: Dimarts, 24 de novembre 2026 17:10:00
        -Assumpte: Impressora

        -Apagueu i engegueu la impressora.
        """)
    yield T("common-clients", "signature-only", """
        +Can you call me?
        +I am in room B3.

        ~--
        ~Jaume Moral
        ~Unitat de Sistemes - UPC
        """)
    yield T("common-clients", "forward-with-comment", """
        +More on this.

        +---------- Forwarded message ---------
        +From: Anna <a@b.example>
        +Subject: printer

        +It also jams on tray 2.
        """)
    yield html_reply("common-clients", "outlook-html-ca", (
        '<html><body><div class="WordSection1"><p class="MsoNormal">Continua sense imprimir '
        'en color.</p><div><div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:'
        '3.0pt 0cm 0cm 0cm"><p class="MsoNormal"><b>De:</b> Suport Unitat &lt;suport@upc.edu'
        '&gt;<br><b>Enviat:</b> dimarts, 24 de novembre de 2026 17:10<br><b>Per a:</b> Jaume'
        '<br><b>Assumpte:</b> Impressora</p></div></div><p class="MsoNormal">Apagueu i '
        'engegueu la impressora.</p></div></body></html>'),
        ["Continua sense imprimir en color."], ["Apagueu i engegueu la impressora."])
    yield html_reply("common-clients", "owa-es", (
        '<html><body><div>Sigue sin imprimir.</div><div id="appendonsend"></div><hr '
        'style="display:inline-block;width:98%"><div id="divRplyFwdMsg" dir="ltr"><font '
        'face="Calibri"><b>De:</b> Suport Unitat &lt;suport@upc.edu&gt;<br><b>Enviado:</b> '
        'martes<br><b>Para:</b> Jaume<br><b>Asunto:</b> RE: Impresora</font><div>&nbsp;</div>'
        '</div><div>Apague y encienda la impresora.</div></body></html>'),
        ["Sigue sin imprimir."], ["Apague y encienda la impresora.", "Suport Unitat"])
    yield html_reply("common-clients", "apple-html-es", (
        '<html><body>Ya funciona, gracias.<br><div><br><blockquote type="cite"><div>El 24 nov '
        '2026, a las 17:10, Suport Unitat &lt;suport@upc.edu&gt; escribió:</div><br><div>'
        'Apague y encienda la impresora.</div></blockquote></div></body></html>'),
        ["Ya funciona, gracias."], ["Apague y encienda la impresora.", "Suport Unitat"])




def _lookalikes():
    """New text that looks like a marker: it all stays."""
    T = text_reply
    yield T("new-text-lookalikes", "prose-wrote-with-time", """
        +Yesterday at 10:15 Anna wrote:
        +the server is down again.
        +Can you check it?
        """)
    yield T("new-text-lookalikes", "from-to-lines", """
        +Please move the printer.
        +From: room B3
        +To: room B5
        +It is the big HP one.
        """)
    yield T("new-text-lookalikes", "move-request-labels", """
        +Please move my PC.
        +From: building A, room 12
        +To: building B, room 3
        +Date: Friday 15th
        +Thanks!
        """)
    yield T("new-text-lookalikes", "prose-attribution-with-address", """
        +I talked to Anna Smith <anna.smith@example.org> on 12.03.2024, who wrote:
        +the licence server is back.
        """)
    yield T("new-text-lookalikes", "forward-below-the-quote", """
        +See the supplier's mail below too.

        -On Tue, Mar 12, 2024 at 10:15 AM Anna Smith <anna.smith@example.org> wrote:
        -> Any news from the supplier?

        +---------- Forwarded message ---------
        +From: Supplier <sales@supplier.example>
        +Subject: Delivery
        +The delivery is planned for Friday.
        """)
    yield T("new-text-lookalikes", "script-wrote-on-a-date", """
        +On 12/03/2024 the backup script wrote:
        +ERROR: disk full on /srv
        +Please check it.
        """)
    yield T("new-text-lookalikes", "colon-with-date", """
        +The backups failed on these dates:
        +12.03.2024 10:15:
        +disk full on /srv.
        """)
    yield T("new-text-lookalikes", "dashes-and-words", """
        +Results ----- see below ----- as promised.
        +---------------
        +All 12 tests pass.
        """)


def _more_clients():
    """Mobile clients' text, and Outlook's HTML header blocks in the shapes
    its versions write (old <hr> + <font>, Outlook for Mac's section, the
    block in the same paragraph as the new text)."""
    T = text_reply
    yield T("more-clients", "samsung-czech", """
        +Už to funguje, díky.

        ~Odesláno z mého Galaxy

        --------- Původní zpráva --------
        -Od: Petr Novák <petr.novak@example.cz>
        -Datum: 12.03.24 10:15 (GMT+01:00)
        -Komu: suport@upc.edu
        -Předmět: Tiskárna

        -Tiskárna ve 2. patře netiskne.
        """)
    yield T("more-clients", "k9-german", """
        +Danke, läuft wieder.

        -Am 12. März 2024 10:15:00 MEZ schrieb Anna Smith <anna.smith@example.org>:
        ->Der Drucker im 2. Stock druckt nicht.
        """)
    yield T("more-clients", "outlook-android", """
        +Approved, go ahead.

        ~Get Outlook for Android<https://aka.ms/AAb9ysg>
        -________________________________
        -From: Anna Smith <anna.smith@example.org>
        -Sent: Tuesday, March 12, 2024 10:15:00 AM
        -To: Suport <suport@upc.edu>
        -Subject: Purchase request

        -Please approve the purchase of two monitors.
        """)
    yield T("more-clients", "zimbra-text-wrote", """
        +No need, thanks!

        ------ "Anna Smith" <anna.smith@example.org> wrote:

        -> Do you still need the old laptop?
        ->
        -> Anna
        """)
    yield T("more-clients", "zimbra-prefixed-headers", """
        +Sí, ja ho tinc.

        ------ Missatge original -----
        -> De: "Jordi Puig" <jordi.puig@example.cat>
        -> Per a: suport@upc.edu
        -> Enviats: Dimarts, 12 de març 2024 10:15:00
        -> Assumpte: Certificat
        ->
        -> Teniu el certificat nou?
        """)
    yield T("more-clients", "lotus-notes", """
        +The new toner works.

        -Anna Smith <anna.smith@example.org> wrote on 12/03/2024 10:15:40:

        -From:        Anna Smith/IT/EXAMPLE
        -To:        Suport <suport@upc.edu>
        -Date:        12/03/2024 10:15
        -Subject:        Toner

        -Please send a new toner cartridge.
        """)
    yield T("more-clients", "yahoo-text", """
        +Thanks, received.

        -On Tuesday, March 12, 2024, 10:15:00 AM GMT+1, Anna Smith
        -<anna.smith@example.org> wrote:


        -The parcel left this morning.
        """)
    yield T("more-clients", "protonmail-text", """
        +Merci, c'est noté.

        -------- Original Message -------
        -Le mardi 12 mars 2024 à 10:15, Claire Martin <claire.martin@example.fr> a écrit :

        -> La salle B3 est réservée.
        """)
    yield T("more-clients", "thunderbird-header-style", """
        +Vielen Dank, das hilft.

        --------- Ursprüngliche Nachricht --------
        -Betreff: Drucker
        -Datum: 12.03.2024 10:15
        -Von: Jonas Weber <jonas.weber@example.de>
        -An: suport@upc.edu

        -Der Drucker im 2. Stock druckt nicht.
        """)
    yield T("more-clients", "gmail-french-verb-wrapped", """
        +C'est réparé, merci.

        -Le mar. 12 mars 2024 à 10:15, Claire Martin-Dubois <claire.martin-dubois@example.fr> a
        -écrit :

        -> L'écran reste noir au démarrage.
        """)
    H = html_reply
    yield H("outlook-header-html", "samsung-email", (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8"></head>'
        '<body><div dir="auto">Yes, it works now.</div><div dir="auto"><br></div><div dir="auto">'
        '<br></div><div id="composer_signature" dir="auto"><div style="font-size:85%;color:'
        '#575757" dir="auto">Sent from my Galaxy</div></div><div dir="auto"><br></div><div '
        'align="left" dir="auto" style="font-size:100%;color:#000000"><div>-------- Original '
        'message --------</div><div>From: Anna Smith &lt;anna.smith@example.org&gt; </div><div>'
        'Date: 12/03/2024  10:15  (GMT+01:00) </div><div>To: suport@upc.edu </div><div>Subject: '
        'VPN </div><div><br></div></div>Is the VPN working for you?</body></html>'),
        ["Yes, it works now."], ["Is the VPN working for you?", "Anna Smith"])
    yield H("outlook-header-html", "outlook-android", (
        '<html><head></head><body><div dir="auto">Approved, go ahead.</div><div dir="auto" '
        'id="ms-outlook-mobile-signature"><div><br></div>Get <a href="https://aka.ms/AAb9ysg">'
        'Outlook for Android</a></div><hr style="display:inline-block;width:98%" tabindex="-1">'
        '<div id="divRplyFwdMsg" dir="ltr"><font face="Calibri, sans-serif" style="font-size:11pt"'
        ' color="#000000"><b>From:</b> Anna Smith &lt;anna.smith@example.org&gt;<br><b>Sent:</b> '
        'Tuesday, March 12, 2024 10:15:00 AM<br><b>To:</b> Suport &lt;suport@upc.edu&gt;<br><b>'
        'Subject:</b> Purchase request</font><div>&nbsp;</div></div><div>Please approve the '
        'purchase of two monitors.</div></body></html>'),
        ["Approved, go ahead."], ["Please approve the purchase of two monitors.", "Anna Smith"])
    yield H("outlook-header-html", "old-outlook-hr-font", (
        '<html><body><p>Thanks, it works now.<br><br>Jim</p><hr size="2" width="100%" '
        'align="center"><font face="Tahoma" size="2"><b>From</b>: Anna Smith<br><b>To</b>: '
        'suport@upc.edu<br><b>Sent</b>: Tue Mar 12 10:15:00 2024<br><b>Subject</b>: Printer'
        '<br></font><div style="font-family: Times New Roman">' + OLD_EN + '</div></body></html>'),
        ["Thanks, it works now.", "Jim"], [OLD_EN, "Anna Smith"])
    yield H("outlook-header-html", "outlook-mac-section-german", (
        '<html><body><div><div>Jetzt klappt es, danke.</div><div>Jonas</div></div>'
        '<span id="OLK_SRC_BODY_SECTION"><div><span style="font-weight:bold">Von: </span> '
        'Anna Smith &lt;<a href="mailto:anna.smith@example.org">anna.smith@example.org</a>&gt;'
        '<br><span style="font-weight:bold">Datum: </span> Dienstag, 12. März 2024 um 10:15<br>'
        '<span style="font-weight:bold">An: </span> Support<br><span style="font-weight:bold">'
        'Betreff: </span> Drucker<br></div><div>Starten Sie den Rechner neu.</div></span>'
        '</body></html>'),
        ["Jetzt klappt es, danke.", "Jonas"], ["Starten Sie den Rechner neu.", "Anna Smith"])
    yield H("outlook-header-html", "separator-in-same-div", (
        '<html><body><div style="font-family: Arial">Make sure the proxy excludes the '
        'intranet.<br><br>----- Original Message -----<br>From: &quot;Anna Smith&quot; '
        '&lt;anna.smith@example.org&gt;<br>To: suport@upc.edu<br>Sent: Tuesday, March 12, 2024 '
        '10:15:00 AM<br>Subject: Intranet<br><br>The intranet does not load.</div></body></html>'),
        ["Make sure the proxy excludes the intranet."],
        ["The intranet does not load.", "Anna Smith"])
    yield H("outlook-header-html", "spanish-block-in-same-div", (
        '<html><body><div>Ya está resuelto, gracias.<br><br><b>De:</b> Lucía García '
        '&lt;lucia.garcia@example.es&gt;<br><b>Enviado el:</b> martes, 12 de marzo de 2024 '
        '10:15<br><b>Para:</b> Soporte<br><b>Asunto:</b> Correo<br><br>No recibo correo desde '
        'ayer.</div></body></html>'),
        ["Ya está resuelto, gracias."], ["No recibo correo desde ayer.", "Lucía García"])
    yield H("outlook-header-html", "owa-russian", (
        '<html><body><div dir="ltr">Теперь работает, спасибо.</div><div id="appendonsend">'
        '</div><hr style="display:inline-block;width:98%" tabindex="-1"><div id="divRplyFwdMsg" '
        'dir="ltr"><font face="Calibri, sans-serif" style="font-size:11pt" color="#000000">'
        '<b>От:</b> Иван Иванов &lt;ivan.ivanov@example.ru&gt;<br><b>Отправлено:</b> 12 марта '
        '2024 г. 10:15<br><b>Кому:</b> Suport<br><b>Тема:</b> Компьютер</font><div>&nbsp;</div>'
        '</div><div>Перезагрузите компьютер.</div></body></html>'),
        ["Теперь работает, спасибо."], ["Перезагрузите компьютер.", "Иван Иванов"])
    yield H("outlook-header-html", "outlook-history-holds-a-gmail-forward", (
        '<html><body><div class="WordSection1"><p class="MsoNormal">I will tell the users.</p>'
        '<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm">'
        '<p class="MsoNormal"><b>From:</b> Anna Smith &lt;anna.smith@example.org&gt;<br><b>Sent:'
        '</b> Tuesday, March 12, 2024 10:15 AM<br><b>To:</b> Suport<br><b>Subject:</b> FW: '
        'Maintenance</p></div><p class="MsoNormal">FYI</p><p class="MsoNormal">---------- '
        'Forwarded message ---------<br>From: Data Centre &lt;dc@example.org&gt;<br>Subject: '
        'Maintenance</p><p class="MsoNormal">The maintenance is on Saturday.</p></div>'
        '</body></html>'),
        ["I will tell the users."], ["The maintenance is on Saturday.", "Anna Smith"])
    yield H("html-webmail", "zimbra-wrote-blockquote", (
        '<html><body><div style="font-family: Arial; font-size: 10pt">Same problem here.<br><br>'
        '-Jan<br><br>----- &quot;Anna Smith&quot; &lt;anna.smith@example.org&gt; wrote:<br>'
        '<blockquote style="border-left: 2px solid rgb(16, 16, 255); margin-left: 5px; '
        'padding-left: 5px;"><div>The VPN rejects my key.</div></blockquote><br></div>'
        '</body></html>'),
        ["Same problem here.", "-Jan"], ["The VPN rejects my key.", "Anna Smith"])
    yield H("html-webmail", "thunderbird-interleaved-html", (
        '<html><body><div class="moz-cite-prefix">Am 12.03.24 um 10:15 schrieb Jonas Weber:'
        '<br></div><blockquote type="cite">Welches Betriebssystem?</blockquote><p>Windows 11.'
        '</p><blockquote type="cite">Welcher Browser?</blockquote><p>Firefox 124.</p>'
        '</body></html>'),
        ["Windows 11.", "Firefox 124."], ["Welches Betriebssystem?", "Welcher Browser?",
                                          "Jonas Weber"])
    yield H("html-webmail", "gmail-polish", (
        '<div dir="ltr">Drukarka znowu działa, dziękuję.</div><br><div class="gmail_quote">'
        '<div dir="ltr" class="gmail_attr">wt., 12 mar 2024 o 10:15 Jan Kowalski &lt;<a '
        'href="mailto:jan.kowalski@example.pl">jan.kowalski@example.pl</a>&gt; napisał(a):<br>'
        '</div><blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px '
        'solid rgb(204,204,204);padding-left:1ex"><div dir="ltr">Proszę wyłączyć i włączyć '
        'drukarkę.</div></blockquote></div>'),
        ["Drukarka znowu działa, dziękuję."], ["Proszę wyłączyć i włączyć drukarkę.",
                                               "Jan Kowalski"])
    yield H("html-webmail", "apple-german", (
        '<html><head><meta http-equiv="content-type" content="text/html; charset=utf-8"></head>'
        '<body dir="auto">Danke, erledigt.<br><br><div dir="ltr">Von meinem iPhone gesendet'
        '</div><div dir="ltr"><br><blockquote type="cite">Am 12.03.2024 um 10:15 schrieb Jonas '
        'Weber &lt;jonas.weber@example.de&gt;:<br><br></blockquote></div><blockquote type="cite">'
        '<div dir="ltr">Bitte senden Sie das Protokoll.</div></blockquote></body></html>'),
        ["Danke, erledigt."], ["Bitte senden Sie das Protokoll.", "Jonas Weber"])


def corpus():
    """Every reply of the corpus, in class order."""
    return [*_attribution_replies(), *_shapes(), *_outlook_replies(),
            *_separator_replies(), *_placement(), *_webmails(), *_common(),
            *_more_clients(), *_lookalikes()]


CLASSES = sorted({reply.cls for reply in corpus()})
