"""What mail clients write above the history of a reply, in every language
the desk meets: tables, not code per language (mail/replies.py reads them).

Three kinds of marker start a reply's history:

* an attribution: one to three lines ending with a colon, naming who wrote
  the quoted message, usually when, and usually a verb ("On ... wrote:",
  "W dniu ... napisał(a):", "Den ... skrev ...:", "... 写道："). Some
  clients write no verb at all: only a date, a name, an address and a
  colon (Gmail in Russian and Japanese, Yandex, mail.ru);
* a header block, as Outlook writes it in the language of its user
  ("Fra:/Sendt:/Til:/Emne:", "От:/Отправлено:/Кому:/Тема:"...);
* a separator line ("-----Original Message-----" and its translations).

The words below are the ones the clients ship (Gmail's, Outlook's,
Thunderbird's, Apple Mail's and the webmails' translations), written down
from their output; a language is added by adding its words here.
"""

# Verbs (or the verb phrase) of attribution lines, any language. An
# attribution is recognised by one of these plus a date, an address or a
# quote right after it (replies.py); the verb alone never cuts text.
ATTRIBUTION_VERBS = [
    # English (Gmail, Outlook, Apple Mail, Thunderbird, mutt, Android)
    "wrote", "writes", "sent", "said", "Quoting",
    # German, Dutch, Luxembourgish
    "schrieb", "geschrieben", "schreef", "het volgende geschreven",
    "geschreven", "Zitat von",
    # French, Italian, Spanish, Portuguese, Catalan, Galician, Romanian
    "a écrit", "ha scritto", "scrisse", "escribió", "escribio", "escreveu",
    "va escriure", "ha escrit", "escribiu", "a scris", "Citând pe",
    "Citazione di", "Citando",
    # Polish, Czech, Slovak, Slovenian, Croatian, Bulgarian
    "napisał", "napisała", "napisał(a)", "pisze", "napsal", "napsala",
    "napsal(a)", "napísal", "napísala", "napísal(a)", "napisal", "napisala",
    "napisal(a)", "napisao", "napisala je", "napisao je", "написа",
    # Hungarian, Finnish, Estonian, Latvian, Lithuanian, Maltese, Irish, Greek
    "írta", "kirjoitti", "kirjutas", "rakstīja", "rašė", "rašo", "kiteb",
    "scríobh", "έγραψε",
    # Swedish, Danish, Norwegian, Icelandic
    "skrev", "skrifaði",
    # Basque
    "idatzi zuen", "idatzi du",
    # Russian, Ukrainian
    "написал", "написала", "написал(а)", "пишет", "написав", "написала",
    "написав(ла)", "пише",
    # Turkish, Vietnamese, Arabic, Hebrew
    "yazdı", "đã viết", "كتب", "כתב", "כתבה",
    # Chinese, Japanese, Korean
    "写道", "寫道", "のメール", "のメッセージ", "さんは書きました", "書きました",
    "님이 작성", "작성",
]

# Words that open an attribution line (Gmail and Thunderbird put the date
# first: "On ...", "Am ...", "Le ..."). Used only to decide how far a
# wrapped attribution reaches up: a line above that starts with one of
# these (and is not a sentence) belongs to it.
ATTRIBUTION_OPENERS = [
    "On", "Am", "Le", "El", "Il", "Il giorno", "Em", "Op", "Den", "Dne",
    "Dňa", "Dnia", "W dniu", "V", "Στις", "Pe", "Ar", "O", "Vào", "Quoting",
    "Zitat von", "Citando", "في", "בתאריך", "Ar", "Fit-", "Pada",
]

# Outlook's reply and forward header labels, per language (the labels of
# the block it writes above the quoted message). FROM opens a block; a
# block needs two more of the other labels within a few lines.
HEADER_LABELS = {
    # lang: (from, sent/date, to, cc, subject)
    "en": ("From", "Sent|Date", "To", "Cc", "Subject"),
    "de": ("Von", "Gesendet|Datum", "An", "Cc|Kopie", "Betreff"),
    "fr": ("De", "Envoyé|Date", "À|A", "Cc|Copie à", "Objet"),
    "es": ("De", "Enviado|Enviado el|Fecha", "Para", "CC", "Asunto"),
    "it": ("Da", "Inviato|Data", "A", "Cc", "Oggetto"),
    "pt": ("De", "Enviado|Enviada|Enviado em|Enviada em|Data", "Para", "Cc",
           "Assunto"),
    "nl": ("Van", "Verzonden|Datum", "Aan", "CC", "Onderwerp"),
    "pl": ("Od", "Wysłane|Wysłano|Data", "Do", "DW|Kopia", "Temat"),
    "cs": ("Od", "Odesláno|Datum", "Komu", "Kopie", "Předmět"),
    "sk": ("Od", "Odoslané|Dátum", "Komu", "Kópia", "Predmet"),
    "sl": ("Od", "Poslano|Datum", "Za", "Kp|Kopija", "Zadeva"),
    "hr": ("Od", "Poslano|Datum", "Za", "Kopija", "Predmet"),
    "hu": ("Feladó", "Elküldve|Dátum", "Címzett", "Másolatot kap", "Tárgy"),
    "ro": ("De la|De", "Trimis|Dată|Data", "Către", "Cc", "Subiect"),
    "bg": ("От", "Изпратено|Дата", "До", "Ян|Копие", "Относно|Тема"),
    "el": ("Από", "Στάλθηκε|Ημερομηνία", "Προς", "Κοιν.", "Θέμα"),
    "fi": ("Lähettäjä", "Lähetetty|Päivämäärä", "Vastaanottaja", "Kopio",
           "Aihe"),
    "sv": ("Från", "Skickat|Datum", "Till", "Kopia", "Ämne"),
    "da": ("Fra", "Sendt|Dato", "Til", "Cc|Kopi", "Emne"),
    "no": ("Fra", "Sendt|Dato", "Til", "Kopi", "Emne"),
    "et": ("Saatja", "Saadetud|Kuupäev", "Adressaat", "Koopia", "Teema"),
    "lv": ("No", "Nosūtīts|Datums", "Kam", "Kopija", "Tēma"),
    "lt": ("Nuo", "Išsiųsta|Data", "Kam", "Kopija", "Tema"),
    "mt": ("Mingħand", "Mibgħut|Data", "Lil", "Cc", "Suġġett"),
    "ga": ("Ó", "Seolta|Dáta", "Chuig", "Cc", "Ábhar"),
    "ca": ("De", "Enviat|Enviats|Data", "Per a|A", "Cc|A/c", "Assumpte"),
    "eu": ("Nork", "Noiz|Bidalia|Data", "Nori", "Cc", "Gaia"),
    "gl": ("De", "Enviado|Data", "Para", "Cc", "Asunto"),
    "ru": ("От", "Отправлено|Дата", "Кому", "Копия", "Тема"),
    "uk": ("Від", "Надіслано|Дата", "Кому", "Копія", "Тема"),
    "tr": ("Kimden", "Gönderildi|Gönderilme|Tarih", "Kime", "Bilgi|Cc",
           "Konu"),
    "ar": ("من", "تم الإرسال|التاريخ|أرسلت", "إلى", "نسخة", "الموضوع"),
    "he": ("מאת", "נשלח|תאריך", "אל", "עותק", "נושא"),
    "zh": ("发件人|寄件者|寄件人", "发送时间|寄件日期|日期|时间", "收件人|收件者",
           "抄送|副本", "主题|主旨"),
    "ja": ("差出人|送信者", "送信日時|日付|日時", "宛先", "CC", "件名"),
    "ko": ("보낸 사람", "보낸 날짜|날짜", "받는 사람", "참조", "제목"),
    "vi": ("Từ", "Đã gửi|Ngày", "Đến", "Cc", "Chủ đề"),
}

# Separator lines above a quoted message: "-----Original Message-----",
# "----- Reply message -----" (Android), and their translations.
SEPARATOR_PHRASES = [
    "Original Message", "Original message", "Reply Message", "Reply message",
    "Message d'origine", "Message original", "Ursprüngliche Nachricht",
    "Originalnachricht", "Antwort Nachricht", "Ursprungligt meddelande",
    "Oprindelig meddelelse", "Opprinnelig melding", "Oorspronkelijk bericht",
    "Originele bericht", "Mensaje original", "Missatge original",
    "Mensagem original", "Mensaxe orixinal", "Messaggio originale",
    "Messaggio Originale", "Oryginalna wiadomość", "Wiadomość oryginalna",
    "Původní zpráva", "Pôvodná správa", "Izvirno sporočilo",
    "Izvorno sporočilo", "Izvorna poruka", "Eredeti üzenet", "Mesaj original",
    "Mesajul original", "Оригинално писмо", "Оригинално съобщение",
    "Αρχικό μήνυμα", "Alkuperäinen viesti", "Algne kiri", "Algne sõnum",
    "Sākotnējais ziņojums", "Sākotnējā ziņa", "Pradinis laiškas",
    "Originali žinutė", "Messaġġ oriġinali", "Bunteachtaireacht",
    "Jatorrizko mezua", "Исходное сообщение", "Оригинальное сообщение",
    "Вихідне повідомлення", "Оригінальне повідомлення", "Orijinal İleti",
    "Özgün İleti", "Orijinal mesaj", "الرسالة الأصلية", "הודעה מקורית",
    "原始邮件", "原始郵件", "原始信件", "元のメッセージ", "원본 메시지",
    "Thư gốc", "Tin nhắn gốc",
]

# Markers of a forwarded message. A forward written above any reply
# marker keeps the whole text (the forwarded message is what the sender
# brings); inside the quoted history, it is history like the rest.
FORWARD_PHRASES = [
    "Forwarded message", "Forwarded Message", "Begin forwarded message",
    "Weitergeleitete Nachricht", "Message transféré", "Mensaje reenviado",
    "Missatge reenviat", "Inici del missatge reenviat",
    "Inicio del mensaje reenviado", "Messaggio inoltrato",
    "Mensagem encaminhada", "Doorgestuurd bericht",
    "Przekazana wiadomość", "Přeposlaná zpráva", "Vidarebefordrat meddelande",
    "Videresendt meddelelse", "Videresendt melding", "Välitetty viesti",
    "Пересылаемое сообщение", "Пересланное сообщение", "转发的邮件",
    "転送されたメッセージ", "전달된 메시지",
]

# HTML: elements that hold a reply's quoted history, as each client
# writes them (checked against their markup: Gmail, Apple Mail,
# Thunderbird, Roundcube and Horde's blockquote type=cite, Yahoo, Proton,
# Zoho, Tutanota, Zimbra's data-marker divs...). Removed with the
# attribution written just before them.
HTML_QUOTE_SELECTORS = [
    "div.gmail_quote", "blockquote.gmail_quote", "div.gmail_extra",
    "blockquote[type=cite]", "div.moz-cite-prefix",
    "div[class*=yahoo_quoted]", "blockquote.iosymail",
    "div.protonmail_quote", "blockquote.protonmail_quote",
    "div.zmail_extra", "blockquote.tutanota_quote", "div.tutanota_quote",
    "div[data-marker=__QUOTED_TEXT__]", "div[data-marker=__HEADERS__]",
    "div#reply-intro", "p#reply-intro", "blockquote#mail-app-auto-quote",
]
# Signature blocks, removed as elements.
HTML_SIGNATURE_SELECTORS = [
    "div.gmail_signature", ".moz-signature", "div#Signature",
    "div.protonmail_signature_block", "div#signature",
]
# Elements from which everything to the end is history (Outlook/OWA's
# reply header, Zimbra's rule above the header block, Windows Mail's
# and Outlook's border-top header div is found by its style).
HTML_CUT_SELECTORS = [
    "div#divRplyFwdMsg", "div#x_divRplyFwdMsg", "div#appendonsend",
    "hr#zwchr", "div#mail-editor-reference-message-container",
    "span#OLK_SRC_BODY_SECTION",
]
# Outlook's and Windows Mail's header block: a div with a grey top border.
HTML_HEADER_BORDER_SELECTORS = [
    'div[style*="border-top:solid #E1E1E1" i]',
    'div[style*="border-top: solid #E1E1E1" i]',
    'div[style*="border-top:solid #B5C4DF" i]',
    'div[style*="border-top: solid #B5C4DF" i]',
]

# Mobile and webmail taglines written at the end of the new text; dropped
# when they are the last line the sender's text keeps.
SENT_FROM = [
    "Sent from my", "Sent from Mail for Windows", "Get Outlook for",
    "Sent from Outlook", "Sent from Yahoo Mail", "Sent from Proton Mail",
    "Enviado desde mi", "Enviat des del meu", "Enviat des de",
    "Envoyé de mon", "Envoyé depuis", "Gesendet von meinem", "Von meinem",
    "Inviato da", "Enviado do meu", "Verzonden vanaf mijn", "Verstuurd vanaf",
    "Wysłane z mojego", "Wysłano z", "Odesláno z", "Skickat från min",
    "Sendt fra min", "Lähetetty", "Отправлено с", "Надіслано з",
    "iPhone'umdan gönderildi", "发自我的", "從我的", "iPhoneから送信",
    "내 iPhone에서 보냄",
]
