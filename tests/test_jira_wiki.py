"""A mail's text or HTML, as the Jira wiki markup the description and the
comments carry: structure kept, markup characters shown as typed, inline
images where they were."""
from jirarest.wiki import escape, html_to_wiki, text_to_wiki


def test_text_paragraphs_lists_quotes_and_links_become_wiki_structure():
    text = ("Hello team,\n\nThe printer does not print.\nSteps:\n- turn it on\n- press start\n"
            "  - wait\n1. first\n2. second\n\n> On Monday Joan wrote:\n> It broke.\n>> older\n\n"
            "See https://intranet.upc.edu/printers_2.\n")
    assert text_to_wiki(text) == (
        "Hello team,\n\nThe printer does not print.\nSteps:\n* turn it on\n* press start\n** wait\n"
        "# first\n# second\n\n{quote}\nOn Monday Joan wrote:\nIt broke.\nolder\n{quote}\n\n"
        "See [https://intranet.upc.edu/printers_2].")


def test_markup_characters_typed_in_a_mail_are_shown_as_typed():
    assert escape("a *star* and _under_ {x} [y] a|b !img! #1") == \
        "a \\*star\\* and \\_under\\_ \\{x\\} \\[y\\] a\\|b \\!img\\! \\#1"
    assert escape("well -- done, -strike- and e-mail, a - b") == "well \\-\\- done, \\-strike\\- and e-mail, a - b"
    assert text_to_wiki("h1. not a heading\nbq. nor a quote") == "h1\\. not a heading\nbq\\. nor a quote"
    assert escape("ok :) (x)") == "ok :\\) \\(x)"


def test_outlook_text_placeholder_becomes_the_inline_image():
    text = "Screenshot:\n[cid:image001.png@01DA2B]\nthanks"
    assert text_to_wiki(text, {"image001.png@01DA2B": "image001.png"}) == "Screenshot:\n!image001.png!\nthanks"
    assert text_to_wiki(text) == "Screenshot:\n\nthanks"


def test_html_structure_becomes_wiki_markup():
    html = ("<html><head><style>p {color: red}</style><title>t</title></head><body>"
            "<p>Hello <b>team</b>, <i>please</i> <u>read</u> <s>this</s> <code>ls -l</code>.</p>"
            "<p>See <a href='https://x.org/a_b'>the page</a> and <a href='https://y.org'>https://y.org</a>."
            "<br>Line two</p>"
            "<ul><li>one<ul><li>one.a</li></ul></li><li>two</li></ul><ol><li>first</li></ol>"
            "<blockquote>quoted<blockquote>deeper</blockquote></blockquote>"
            "<h2>Title</h2><table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table>"
            "<pre>code *x*\n  indented</pre><hr><div>div1</div><div>div2</div></body></html>")
    assert html_to_wiki(html) == (
        "Hello *team*, _please_ +read+ -this- {{ls \\-l}}.\n\n"
        "See [the page|https://x.org/a_b] and [https://y.org].\nLine two\n\n"
        "* one\n** one.a\n* two\n\n# first\n\n"
        "{quote}\nquoted\n\ndeeper\n\n{quote}\n\n"
        "h2. Title\n\n||a||b||\n|1|2|\n\n{noformat}\ncode *x*\n  indented\n{noformat}\n\n----\n\n"
        "div1\ndiv2")


def test_inline_cid_image_is_shown_where_it_was_and_web_images_are_not_fetched():
    html = '<p>Before <img src="cid:img1@x"> after</p><p><img src="https://tracker.example/p.gif" alt=""></p>' \
           '<p><img src="https://cdn.example/logo.png" alt="Logo"></p>'
    assert html_to_wiki(html, {"img1@x": "photo.png"}) == "Before !photo.png! after\n\nLogo"


def test_hostile_nesting_is_flattened_not_a_crash():
    html = "<div>" * 3000 + "deep *text*" + "</div>" * 3000
    assert html_to_wiki(html).endswith("deep \\*text\\*")


def test_links_that_are_not_web_links_keep_only_their_text():
    html = '<a href="javascript:alert(1)">click</a> <a href="mailto:a@b.c">mail us</a> <a href="#top">top</a>'
    assert html_to_wiki(html) == "click [mail us|mailto:a@b.c] top"


def test_a_mail_longer_than_jira_takes_is_cut_at_a_line_with_a_note():
    from jirarest.wiki import JIRA_TEXT_LIMIT, fit
    assert fit("short", "(cut)") == "short"
    long = "{quote}\n" + "\n".join("line %05d of a very long mail" % n for n in range(3000))
    cut = fit(long, "(cut here: the whole mail is attached as mail.txt)")
    assert len(cut) <= JIRA_TEXT_LIMIT
    assert cut.endswith("{quote}\n\n(cut here: the whole mail is attached as mail.txt)")
    body = cut.rsplit("\n{quote}", 1)[0]
    assert body.endswith("of a very long mail")
