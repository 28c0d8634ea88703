"""The sandbox page in headless Chromium (Debian's ``chromium`` and ``chromium-driver``; no
driver or browser is ever downloaded): file → approve → reverse, as three people."""

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
from selenium.common.exceptions import StaleElementReferenceException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

CONTRACTOR, REVIEWER = "U0ROOF1", "U0REV1"


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
    wait(driver).until(EC.element_to_be_clickable((By.CSS_SELECTOR, f'#sidebar li[data-channel="{channel}"]'))).click()
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
    wait(driver).until(text_in("#messages .message", "CR-1 · lead L-1002"))
    click_button(driver, "CR-1 · lead L-1002", "approve_request")
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
    click_button(driver, "CR-1 · lead L-1002", "reverse_request")
    fill_modal(driver, "Reverse credit", {"note": "Homeowner confirmed the number works and they asked for a quote."})
    wait(driver).until(text_in("#messages .message", "Reversed"))
    assert not driver.find_elements(By.CSS_SELECTOR, '#messages button[data-action-id="reverse_request"]')

    ARTIFACTS.mkdir(exist_ok=True)
    driver.find_element(By.ID, "help-toggle").click()
    assert driver.save_screenshot(str(ARTIFACTS / "sandbox-story.png"))

    with sandbox.runtime.desk.read() as session:
        req = session.get(CreditRequest, 1)
        assert (req.lead_id, req.status) == ("L-1002", "reversed")


def test_field_errors_show_in_the_modal(sandbox, browser):
    driver = browser
    driver.get(sandbox.url + f"?user={CONTRACTOR}")
    wait(driver).until(text_in("#channel-title", "brooklyn-roofing"))
    driver.find_element(By.ID, "composer").send_keys("/credit-request L-2001\n")
    wait(driver).until(EC.visibility_of_element_located((By.ID, "modal")))
    Select(driver.find_element(By.CSS_SELECTOR, '#modal select[name="reason"]')).select_by_value("incorrect_contact")
    driver.find_element(By.CSS_SELECTOR, '#modal [name="details"]').send_keys("Wrong person.")
    driver.find_element(By.ID, "modal-submit").click()
    error = wait(driver).until(text_in('#modal [data-error-for="lead_id"]', "not delivered to your company"))
    assert error.is_displayed()
    # What was typed survives the error and the page's polling.
    assert driver.find_element(By.CSS_SELECTOR, '#modal [name="details"]').get_attribute("value") == "Wrong person."
    driver.find_element(By.ID, "modal-close").click()
    wait(driver).until(EC.invisibility_of_element_located((By.ID, "modal-backdrop")))
