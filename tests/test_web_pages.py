"""The staff pages in a real browser: Debian's Chromium, headless, driven
by Selenium with Debian's chromedriver (never a downloaded one), over a
desk filled by real deliveries to the reference GN6 server. One browser
for the whole module; screenshots go to tests/artifacts/web/."""
import os
import shutil
from pathlib import Path

import pytest

from refservers.gn6.control import ReferenceServer
from web_support import (WebServer, add_token, deliver, first_ticket, gn6_desk_settings,
                         mail, write_settings)

ARTIFACTS = Path(__file__).resolve().parent / "artifacts" / "web"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMEDRIVER) and not os.environ.get("CI"),
                                reason="Debian's chromium-driver is not installed")


@pytest.fixture(scope="module")
def browser():
    os.environ["SE_OFFLINE"] = "true"       # Selenium Manager never downloads a driver
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--window-size=1280,900", "--no-first-run", "--disable-extensions"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.implicitly_wait(0)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pages")
    with ReferenceServer(db=str(folder / "gn6.sqlite")) as gn6:
        port, data, settings = gn6_desk_settings(gn6, folder)
        assert deliver(mail(subject="Screen flickers"), settings) == "SUCCESS"
        codi = first_ticket(gn6, "Screen flickers")
        assert deliver(mail(subject="Re: [Tiquet %s] Screen flickers" % codi,
                            body="It flickers more."), settings) == "SUCCESS"
        for n in (1, 2):
            assert deliver(mail(subject="Unknown %d" % n, sender="nobody%d@example.org" % n,
                                body="<img src=x onerror=alert(1)><script>alert(2)</script>"),
                           settings) == "REJECT"
        tokens = {"admin": add_token(settings, "adam", "admin"),
                  "read": add_token(settings, "rita", "read")}
        web = WebServer(settings, port)
        try:
            yield type("Desk", (), dict(gn6=gn6, web=web, codi=codi, tokens=tokens,
                                        settings=settings, data=data))
        finally:
            web.stop()


def shot(browser, name):
    browser.save_screenshot(str(ARTIFACTS / ("%s.png" % name)))


def wait_for(browser, css, timeout=10):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait
    return WebDriverWait(browser, timeout).until(
        EC.presence_of_element_located((By.CSS_SELECTOR, css)))


def log_in(browser, desk, name, role):
    from selenium.webdriver.common.by import By
    browser.delete_all_cookies()
    browser.get(desk.web.url + "/")
    wait_for(browser, "input#token")
    assert "/login" in browser.current_url
    browser.find_element(By.ID, "name").send_keys(name)
    browser.find_element(By.ID, "token").send_keys(desk.tokens[role])
    browser.find_element(By.CSS_SELECTOR, "form.stack button").click()
    wait_for(browser, "#overall")


def test_the_pages_search_and_replay_in_a_real_browser(browser, desk):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    log_in(browser, desk, "adam", "admin")
    assert browser.find_element(By.ID, "overall").text == "degraded"   # 2 quarantined
    assert "settings" in browser.find_element(By.ID, "queues").text
    shot(browser, "01-dashboard")
    rejected_today = browser.find_element(
        By.CSS_SELECTOR, "#queues a[href*='outcome=REJECT']")
    assert rejected_today.text == "2"
    rejected_today.click()
    wait_for(browser, "#total")
    assert browser.find_element(By.ID, "total").text.startswith("2 message(s)")

    browser.get(desk.web.url + "/messages")
    sender = wait_for(browser, "input[name=sender]")
    sender.send_keys("jaume.moral@upc.edu", Keys.ENTER)       # the keyboard submits
    wait_for(browser, "#total")
    assert browser.find_element(By.ID, "total").text.startswith("2 message(s)")
    shot(browser, "02-search")

    browser.find_element(By.LINK_TEXT, "Screen flickers").click()
    wait_for(browser, "#where")
    assert browser.find_element(By.ID, "outcome").text == "SUCCESS"
    shot(browser, "03-message")

    browser.find_element(By.LINK_TEXT, desk.codi).click()
    wait_for(browser, "table.results")
    rows = browser.find_elements(By.CSS_SELECTOR, "table.results tbody tr")
    assert [r.text for r in rows][0].find("Screen flickers") >= 0 and len(rows) == 2
    shot(browser, "04-ticket")

    browser.get(desk.web.url + "/quarantine")
    wait_for(browser, "#qtotal")
    assert browser.find_element(By.ID, "qtotal").text == "2 message(s)"
    browser.find_element(By.PARTIAL_LINK_TEXT, "Unknown 1").click()
    body = wait_for(browser, "#body")
    assert "<script>alert(2)</script>" in body.text      # shown as text, never run
    assert browser.find_elements(By.CSS_SELECTOR, "main img") == []
    shot(browser, "05-quarantine-entry")

    write_settings(desk.settings, dict(desk.data, mails_addicionals={
        "nobody1@example.org": "anna.puig"}))               # the cause, fixed
    browser.get(desk.web.url + "/quarantine")
    card = wait_for(browser, "li.card")
    card = [c for c in browser.find_elements(By.CSS_SELECTOR, "li.card")
            if "Unknown 1" in c.text][0]
    card.find_element(By.CSS_SELECTOR, "button.replay").click()
    said = wait_for(browser, "#said", timeout=60)
    assert "SUCCESS" in said.text
    assert browser.find_element(By.ID, "qtotal").text == "1 message(s)"
    assert "Unknown 1" not in browser.find_element(By.ID, "quarantine").text
    assert [t for t in desk.gn6.tickets() if t["assumpte"] == "Unknown 1"]
    shot(browser, "06-replayed")
    import json
    audit = [json.loads(line) for line in (desk.settings.parent / "state" / "web-audit.log")
             .read_text().splitlines()]
    assert [(a["who"], a["action"]) for a in audit] == [("adam", "read_body"),
                                                        ("adam", "replay")]


def test_a_reader_sees_no_admin_buttons_nor_bodies(browser, desk):
    from selenium.webdriver.common.by import By
    log_in(browser, desk, "rita", "read")
    browser.get(desk.web.url + "/quarantine")
    wait_for(browser, "#qtotal")

    assert browser.find_elements(By.CSS_SELECTOR, "button.replay") == []
    browser.find_element(By.PARTIAL_LINK_TEXT, "Unknown 2").click()
    wait_for(browser, "dl.facts")
    assert browser.find_elements(By.ID, "body") == []
    assert "admin role only" in browser.page_source
    shot(browser, "07-reader-entry")


def test_a_page_form_without_its_csrf_token_is_refused(browser, desk):
    import requests
    log_in(browser, desk, "adam", "admin")
    cookie = browser.get_cookie("mtt_session")
    entry = [c for c in requests.get(desk.web.url + "/api/quarantine", cookies={
        "mtt_session": cookie["value"]}).json()["items"]][0]

    forged = requests.post(desk.web.url + "/quarantine/%s/discard" % entry["id"],
                           cookies={"mtt_session": cookie["value"]}, data={"csrf": "x"},
                           headers={"Accept": "text/html"}, allow_redirects=False)

    assert forged.status_code == 403 and "CSRF" in forged.text
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"


def test_the_pages_fit_a_phone(browser, desk):
    import requests
    [message] = requests.get(desk.web.url + "/api/messages", params={"limit": 1}, timeout=30,
                             headers={"Authorization": "Bearer " + desk.tokens["read"]}
                             ).json()["items"]
    log_in(browser, desk, "adam", "admin")
    browser.set_window_size(390, 844)
    try:
        for path, name in (("/", "08-phone-dashboard"), ("/quarantine", "09-phone-quarantine"),
                           ("/messages", "10-phone-search"),
                           ("/messages/" + message["id"], "11-phone-message"),
                           ("/tickets/" + desk.codi, "12-phone-ticket")):
            browser.get(desk.web.url + path)
            wait_for(browser, "main")
            width = browser.execute_script(
                "return [document.body.scrollWidth, window.innerWidth]")
            # no cell squeezed to a column a word or two wide (read letter by letter)
            narrow = browser.execute_script(
                "return [...document.querySelectorAll('td, table:not(.stack) th')].filter(c => c.offsetParent"
                " && c.getBoundingClientRect().width < 80).map(c => c.textContent.trim())"
                ".filter(t => t.length > 3)")
            assert width[0] <= width[1] + 1, (path, width)
            assert narrow == [], (path, narrow)
            shot(browser, name)
    finally:
        browser.set_window_size(1280, 900)


def test_the_keyboard_reaches_everything_from_the_skip_link(browser, desk):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    log_in(browser, desk, "adam", "admin")
    browser.get(desk.web.url + "/quarantine")
    wait_for(browser, "#qtotal")
    body = browser.find_element(By.TAG_NAME, "body")

    body.send_keys(Keys.TAB)
    first = browser.switch_to.active_element
    tabbed = []
    for _ in range(30):
        browser.switch_to.active_element.send_keys(Keys.TAB)
        active = browser.switch_to.active_element
        tabbed.append((active.tag_name, active.get_attribute("class") or active.text))

    assert first.get_attribute("textContent") == "Skip to content"
    assert ("button", "replay") in tabbed and ("button", "discard") in tabbed
    assert ("button", "link") in tabbed


HOSTILE_HTML = ('<p>Hello <b>team</b></p><script>document.title="pwned"</script>'
                '<img src=x onerror="document.title=\'pwned\'">'
                '<a href="javascript:document.title=\'pwned\'">click</a>'
                '<iframe src="https://evil.example/"></iframe><style>body{display:none}</style>')


def test_mail_html_is_never_rendered_only_read_as_text(browser, desk):
    """An HTML-only mail with script, event handlers, a javascript: link,
    an iframe and a style, and markup in its subject and sender's name:
    every page shows them as text, the browser runs and loads none."""
    import requests
    from email.message import EmailMessage
    from selenium.webdriver.common.by import By
    msg = EmailMessage()
    msg["From"] = '"<b onmouseover=alert(1)>Eve</b>" <eve@example.org>'
    msg["To"] = "suport@upc.edu"
    msg["Subject"] = '<img src=x onerror="document.title=1">Invoice'
    msg["Message-ID"] = "<hostile-html@test.example>"
    msg.set_content(HOSTILE_HTML, subtype="html")
    assert deliver(bytes(msg), desk.settings) == "REJECT"
    found = requests.get(desk.web.url + "/api/messages", timeout=30,
                         params={"message_id": "<hostile-html@test.example>"},
                         headers={"Authorization": "Bearer " + desk.tokens["read"]}
                         ).json()["items"][0]
    log_in(browser, desk, "adam", "admin")
    pages = []
    for path, css in (("/messages?sender=eve@example.org", "#total"),
                      ("/messages/" + found["id"], "#where"), ("/quarantine", "#qtotal")):
        browser.get(desk.web.url + path)
        wait_for(browser, css)
        pages.append(browser.find_element(By.TAG_NAME, "main"))
        assert browser.find_elements(By.CSS_SELECTOR, "main img, main script, main iframe, "
                                     "main style, main [onerror], main [onmouseover], "
                                     "main a[href^=javascript]") == [], path
        assert '<img src=x onerror="document.title=1">Invoice' in pages[-1].text, path
    browser.find_element(By.PARTIAL_LINK_TEXT, "Invoice").click()
    body = wait_for(browser, "#body")

    assert "Hello team" in body.text and "click" in body.text
    assert browser.find_elements(By.CSS_SELECTOR, "main img, main script, main iframe, "
                                 "main a[href^=javascript]") == []
    assert browser.title != "pwned" and "pwned" not in browser.execute_script(
        "return document.title")
    shot(browser, "13-hostile-html")
