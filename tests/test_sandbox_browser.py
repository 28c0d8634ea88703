"""The sandbox page in headless Chromium (Debian's ``chromium`` and ``chromium-driver``; no
driver or browser is ever downloaded): file → approve → reverse, as three people; then the
other ways in (the ⚡ shortcut, a message's "More actions", ``/credit-request status``, evidence
files in the modal and in a thread) and the reviewer's queue on the App Home."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from bot.sandbox import demo
from bot.sandbox.run import start_sandbox
from storage.models import CreditRequest

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
HAVE_BROWSER = os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"

if not HAVE_BROWSER and not IN_CI:
    pytest.skip("Debian's chromium and chromium-driver are not installed (CI installs them)",
                allow_module_level=True)

os.environ.setdefault("SE_OFFLINE", "true")  # selenium-manager must never fetch a driver or a browser

from selenium import webdriver  # noqa: E402 - after the skip, so a machine without it still collects
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402
from sqlalchemy import select  # noqa: E402

CONTRACTOR, REVIEWER = "U0ROOF1", "U0REV1"
# A real 1×1 PNG, to attach as evidence.
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c63f8cfc0f01f0005000201a5d1b3d50000000049454e44ae426082")


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    sb = start_sandbox(tmp_path_factory.mktemp("sandbox-browser") / "sandbox.db")
    yield sb
    sb.stop()


@pytest.fixture(scope="module")
def browser():
    profile = tempfile.mkdtemp(prefix="credit-bot-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", f"--user-data-dir={profile}", "--window-size=1440,1000"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def request_of(sandbox, lead_id: str) -> CreditRequest | None:
    with sandbox.runtime.desk.read() as session:
        return session.scalar(select(CreditRequest).where(CreditRequest.lead_id == lead_id))


def card_ref(sandbox, lead_id: str) -> str:
    """How the reviewer card names the request on ``lead_id`` ("CR-3 · lead L-1002")."""
    return f"CR-{request_of(sandbox, lead_id).id} · lead {lead_id}"


def wait(driver, timeout: float = 15):
    return WebDriverWait(driver, timeout, poll_frequency=0.1)


def text_in(css: str, words: str):
    """Some element matching ``css`` contains ``words``; returns that element."""
    def check(driver):
        for node in driver.find_elements(By.CSS_SELECTOR, css):
            try:
                if words in node.text:
                    return node
            except StaleElementReferenceException:  # re-rendered under us; look again
                return False
        return False
    return check


def act_as(driver, user: str) -> None:
    Select(driver.find_element(By.ID, "act-as")).select_by_value(user)
    wait(driver).until(lambda d: f"user={user}" in d.current_url)


def open_channel(driver, channel: str) -> None:
    """Click ``channel`` in the sidebar (again if the sidebar was redrawn under the click)."""
    def click(d):
        try:
            d.find_element(By.CSS_SELECTOR, f'#sidebar li[data-channel="{channel}"]').click()
            return True
        except (StaleElementReferenceException, NoSuchElementException):
            return False
    wait(driver).until(click)
    wait(driver).until(EC.presence_of_element_located((By.CSS_SELECTOR, f'#sidebar li.active[data-channel="{channel}"]')))
    wait(driver).until(EC.visibility_of_element_located((By.ID, "home" if channel == "home" else "messages")))


def click_button(driver, container_words: str, action_id: str) -> None:
    """Click the ``action_id`` button of the message that mentions ``container_words``
    (again if the page re-rendered it between finding and clicking)."""
    def click(d):
        try:
            for message in d.find_elements(By.CSS_SELECTOR, "#messages .message"):
                if container_words in message.text:
                    found = message.find_elements(By.CSS_SELECTOR, f'button[data-action-id="{action_id}"]')
                    if found and found[0].is_enabled():
                        found[0].click()
                        return True
        except StaleElementReferenceException:
            pass
        return False
    wait(driver).until(click)


def fill_modal(driver, callback_title: str, fields: dict[str, str], selects: dict[str, str] | None = None):
    wait(driver).until(EC.visibility_of_element_located((By.ID, "modal")))
    wait(driver).until(text_in("#modal-title", callback_title))
    for name, value in (selects or {}).items():
        Select(driver.find_element(By.CSS_SELECTOR, f'#modal select[name="{name}"]')).select_by_value(value)
    for name, value in fields.items():
        field = driver.find_element(By.CSS_SELECTOR, f'#modal [name="{name}"]')
        field.clear()
        field.send_keys(value)
    driver.find_element(By.ID, "modal-submit").click()
    wait(driver).until(EC.invisibility_of_element_located((By.ID, "modal-backdrop")))


def test_file_approve_reverse_in_the_browser(sandbox, browser):
    driver = browser
    driver.get(sandbox.url + f"?user={CONTRACTOR}")
    wait(driver).until(EC.presence_of_element_located((By.CSS_SELECTOR, f'#sidebar li[data-channel="{demo.CONTRACTOR_CHANNEL}"]')))
    wait(driver).until(text_in("#channel-title", "brooklyn-roofing"))

    # Contractor: /credit-request on a lead whose number is valid, so it goes to review.
    composer = driver.find_element(By.ID, "composer")
    composer.send_keys("/credit-request L-1002\n")
    wait(driver).until(EC.visibility_of_element_located((By.ID, "modal")))
    assert driver.find_element(By.CSS_SELECTOR, '#modal [name="lead_id"]').get_attribute("value") == "L-1002"
    fill_modal(driver, "Lead credit request", {"details": "Rang it twice: disconnected tone."},
               selects={"reason": "invalid_number"})

    # The receipt and its thread.
    wait(driver).until(text_in("#messages .thread", "received for lead L-1002"))
    wait(driver).until(text_in("#messages .replies", "What we checked for lead L-1002"))

    # Reviewer: approve.
    act_as(driver, REVIEWER)
    wait(driver).until(text_in("#channel-title", "credit-review"))
    ref = card_ref(sandbox, "L-1002")
    wait(driver).until(text_in("#messages .message", ref))
    click_button(driver, ref, "approve_request")
    wait(driver).until(text_in("#messages .message", "Credited"))
    wait(driver).until(EC.presence_of_element_located((By.CSS_SELECTOR, '#messages button[data-action-id="reverse_request"]')))
    assert "@Riley Reviewer" in driver.find_element(By.ID, "messages").text

    # Contractor: "approved" in the thread and on App Home.
    act_as(driver, CONTRACTOR)
    wait(driver).until(text_in("#messages .replies", "is approved"))
    open_channel(driver, "home")
    wait(driver).until(text_in("#home", "Refund Status"))
    wait(driver).until(text_in("#home", "Lead L-1002 — Credited"))

    # Reviewer: reverse the credit, with a note.
    act_as(driver, REVIEWER)
    wait(driver).until(text_in("#channel-title", "credit-review"))
    click_button(driver, ref, "reverse_request")
    fill_modal(driver, "Reverse credit", {"note": "Homeowner confirmed the number works and they asked for a quote."})
    wait(driver).until(text_in("#messages .message", "Reversed"))
    card = next(m for m in driver.find_elements(By.CSS_SELECTOR, "#messages .message") if ref in m.text)
    assert not card.find_elements(By.CSS_SELECTOR, 'button[data-action-id="reverse_request"]')

    ARTIFACTS.mkdir(exist_ok=True)
    driver.find_element(By.ID, "help-toggle").click()
    assert driver.save_screenshot(str(ARTIFACTS / "sandbox-story.png"))

    assert request_of(sandbox, "L-1002").status == "reversed"


def test_field_errors_show_in_the_modal(sandbox, browser):
    driver = browser
    driver.get(sandbox.url + f"?user={CONTRACTOR}")
    wait(driver).until(text_in("#channel-title", "brooklyn-roofing"))
    driver.find_element(By.ID, "composer").send_keys("/credit-request L-2001\n")
    wait(driver).until(EC.visibility_of_element_located((By.ID, "modal")))
    Select(driver.find_element(By.CSS_SELECTOR, '#modal select[name="reason"]')).select_by_value("incorrect_contact")
    driver.find_element(By.CSS_SELECTOR, '#modal [name="details"]').send_keys("Wrong person.")
    driver.find_element(By.ID, "modal-submit").click()
    error = wait(driver).until(text_in('#modal [data-error-for="lead_id"]', "There is no lead with id"))
    assert error.is_displayed()
    # What was typed survives the error and the page's polling.
    assert driver.find_element(By.CSS_SELECTOR, '#modal [name="details"]').get_attribute("value") == "Wrong person."
    driver.find_element(By.ID, "modal-close").click()
    wait(driver).until(EC.invisibility_of_element_located((By.ID, "modal-backdrop")))


def click_css(driver, css: str) -> None:
    """Click the element ``css`` finds, once it is there and enabled (again if it was redrawn)."""
    def click(d):
        try:
            found = d.find_elements(By.CSS_SELECTOR, css)
            if found and found[0].is_enabled():
                found[0].click()
                return True
        except StaleElementReferenceException:
            pass
        return False
    wait(driver).until(click)


def texts_of(css: str, words: str, *more: str):
    """The text of the element matching ``css`` that contains ``words`` and every one of ``more``."""
    def check(driver):
        node = text_in(css, words)(driver)
        try:
            text = node.text if node else ""
        except StaleElementReferenceException:
            return False
        return text if text and all(m in text for m in more) else False
    return check


def open_menu_item(driver, opener, callback_id: str) -> None:
    """Open a shortcuts menu with ``opener`` (a function clicking its button) and pick ``callback_id``."""
    item = (By.CSS_SELECTOR, f'#menu [data-callback-id="{callback_id}"]')

    def pick(d):
        try:
            if not d.find_elements(*item) or not d.find_element(By.ID, "menu").is_displayed():
                opener(d)
                return False
            d.find_element(*item).click()
            return True
        except StaleElementReferenceException:
            return False
    wait(driver).until(pick)


def more_actions_on(words: str):
    """Click the ⋮ "More actions" button of the message mentioning ``words``."""
    def click(d):
        for message in d.find_elements(By.CSS_SELECTOR, "#messages .message"):
            if words in message.text:
                message.find_element(By.CSS_SELECTOR, ".more-actions").click()
                return
    return click


def test_more_ways_in_and_the_reviewers_queue(sandbox, browser, tmp_path):
    driver = browser
    driver.get(sandbox.url + f"?user={CONTRACTOR}")
    wait(driver).until(text_in("#channel-title", "brooklyn-roofing"))

    # The ⚡ shortcuts menu next to the composer: the global shortcut opens an empty form.
    open_menu_item(driver, lambda d: d.find_element(By.ID, "shortcuts-button").click(), "file_credit_request")
    wait(driver).until(EC.visibility_of_element_located((By.ID, "modal")))
    assert driver.find_element(By.CSS_SELECTOR, '#modal [name="lead_id"]').get_attribute("value") == ""
    fill_modal(driver, "Lead credit request", {"lead_id": "L-1007", "details": "A different family lives there."},
               selects={"reason": "incorrect_contact"})
    wait(driver).until(text_in("#messages .thread", "received for lead L-1007"))

    # "More actions" on LeadFlow's lead delivery: the message shortcut fills in its lead id.
    wait(driver).until(text_in("#messages .message", "LeadFlow"))
    open_menu_item(driver, more_actions_on("New inbound call lead"), "file_credit_request_from_message")
    wait(driver).until(EC.visibility_of_element_located((By.ID, "modal")))
    wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, '#modal [name="lead_id"]')
                       .get_attribute("value") == "L-1010")

    # Evidence: a real file picked in the modal's file input is uploaded at once.
    shot = tmp_path / "carrier-message.png"
    shot.write_bytes(PNG)
    driver.find_element(By.CSS_SELECTOR, '#modal input[type="file"][data-file-input="evidence"]').send_keys(str(shot))
    wait(driver).until(text_in('#modal [data-files-for="evidence"] .file-chip', "carrier-message.png"))
    fill_modal(driver, "Lead credit request", {"details": "A dentist's office answers; wrong person."},
               selects={"reason": "incorrect_contact"})
    wait(driver).until(text_in("#messages .thread", "received for lead L-1010"))

    # A file attached to a reply in the receipt's thread joins the evidence.
    def reply_to_receipt(d):
        try:
            for thread in d.find_elements(By.CSS_SELECTOR, "#messages .thread"):
                if "received for lead L-1010" in thread.text:
                    thread.find_element(By.CSS_SELECTOR, ".reply-link").click()
                    return True
        except StaleElementReferenceException:
            pass
        return False
    wait(driver).until(reply_to_receipt)
    wait(driver).until(EC.visibility_of_element_located((By.ID, "thread-target")))
    log = tmp_path / "call-log.txt"
    log.write_text("09:14 wrong person\n16:02 wrong person again\n")
    driver.find_element(By.ID, "composer-files").send_keys(str(log))
    wait(driver).until(text_in("#attached .file-chip", "call-log.txt"))
    driver.find_element(By.ID, "composer").send_keys("Call log attached\n")
    wait(driver).until(text_in("#messages .replies .file", "call-log.txt"))
    driver.find_element(By.ID, "thread-cancel").click()

    # /credit-request status: an answer only this person sees, several lines of mrkdwn.
    driver.find_element(By.ID, "composer").send_keys("/credit-request status\n")
    answer = wait(driver).until(texts_of("#messages .ephemeral", "Refund Status", "Only visible to you"))
    lines = answer.splitlines()
    assert any("L-1010" in line and "Pending review" in line for line in lines)
    assert any("L-1007" in line for line in lines) and len(lines) >= 5
    bold = wait(driver).until(texts_of("#messages .ephemeral .mrkdwn b", "Refund Status"))  # *bold*, no asterisks
    assert "*" not in bold

    # The reviewer sees both files on the card.
    act_as(driver, REVIEWER)
    wait(driver).until(text_in("#channel-title", "credit-review"))
    wait(driver).until(texts_of("#messages .message", card_ref(sandbox, "L-1010"), "carrier-message.png",
                                "call-log.txt"))

    # The reviewer's App Home: the open queue, a Claim button on each row, and the filter.
    open_channel(driver, "home")
    wait(driver).until(text_in("#home", "Open queue"))
    seeded, other = request_of(sandbox, "L-1008"), request_of(sandbox, "L-1009")
    row = f'#home [data-block-id="queue_{seeded.id}"]'
    click_css(driver, f'{row} button[data-action-id="claim_request"]')
    wait(driver).until(text_in(row, "claimed by you"))
    assert not driver.find_elements(By.CSS_SELECTOR, f'{row} button[data-action-id="claim_request"]')

    def choose(value: str, heading: str) -> None:
        def pick(d):
            try:
                Select(d.find_element(By.CSS_SELECTOR, '#home select[data-action-id="queue_filter"]')).select_by_value(value)
                return True
            except StaleElementReferenceException:
                return False
        wait(driver).until(pick)
        wait(driver).until(text_in("#home .block-header", heading))

    choose("mine", "Open queue — Claimed by me (1)")
    assert driver.find_elements(By.CSS_SELECTOR, row)
    assert not driver.find_elements(By.CSS_SELECTOR, f'#home [data-block-id="queue_{other.id}"]')
    choose("unclaimed", "Open queue — Unclaimed")
    wait(driver).until(EC.presence_of_element_located((By.CSS_SELECTOR, f'#home [data-block-id="queue_{other.id}"]')))
    assert not driver.find_elements(By.CSS_SELECTOR, row)
    ARTIFACTS.mkdir(exist_ok=True)
    assert driver.save_screenshot(str(ARTIFACTS / "sandbox-queue.png"))
    choose("all", "Open queue (")

    assert request_of(sandbox, "L-1008").claimed_by == REVIEWER
    assert {request_of(sandbox, lead).status for lead in ("L-1007", "L-1010")} == {"pending"}

