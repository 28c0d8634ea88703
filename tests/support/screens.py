"""Take a PNG of each role's App Home (and the sandbox's front page) in headless Chromium.

    python -m tests.support.screens docs/screens [SUFFIX]

Starts a fresh sandbox on a temporary database, acts as each demo person, opens the App Home
tab and saves ``home-<role>[-SUFFIX].png``; also ``sandbox.png`` (a contractor channel) and
``api-filing.png`` (the Demo guide's lead system and CRM calling the HTTP API, and the receipt
of the CRM's filing in the client's channel).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("SE_OFFLINE", "true")

from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

from bot.sandbox import demo  # noqa: E402
from bot.sandbox.run import start_sandbox  # noqa: E402

ROLES = {"contractor": "U0ROOF1", "reviewer": "U0REV1", "account_manager": "U0AM1", "admin": "U0ADMIN"}


def find(name: str, *fallbacks: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for path in fallbacks:
        if os.path.exists(path):
            return path
    raise SystemExit(f"{name} not found on PATH")


def driver_for(profile: str, size: str = "1280,860"):
    options = webdriver.ChromeOptions()
    options.binary_location = find("chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--no-first-run", f"--user-data-dir={profile}", f"--window-size={size}",
                 "--force-device-scale-factor=1"):
        options.add_argument(flag)
    service = Service(executable_path=find("chromedriver", "/usr/bin/chromedriver"))
    return webdriver.Chrome(service=service, options=options)


def act_as(driver, base: str, user: str) -> None:
    driver.get(f"{base}?user={user}")
    WebDriverWait(driver, 15).until(EC.presence_of_element_located((By.ID, "act-as")))
    WebDriverWait(driver, 15).until(
        lambda d: Select(d.find_element(By.ID, "act-as")).first_selected_option.get_attribute("value") == user)


def open_channel(driver, channel: str) -> None:
    def click(d):
        try:
            d.find_element(By.CSS_SELECTOR, f'#sidebar li[data-channel="{channel}"]').click()
            return True
        except (StaleElementReferenceException, NoSuchElementException):
            return False  # the sidebar was redrawn under the click: find it again
    WebDriverWait(driver, 15).until(click)
    WebDriverWait(driver, 15).until(EC.presence_of_element_located(
        (By.CSS_SELECTOR, f'#sidebar li.active[data-channel="{channel}"]')))
    if channel == "home":  # the bot publishes on app_home_opened, through its outbox
        WebDriverWait(driver, 20).until(
            lambda d: "has not published" not in d.find_element(By.ID, "home").text)
    time.sleep(0.5)


def main(argv: list[str]) -> int:
    out = Path(argv[0] if argv else "docs/screens")
    suffix = f"-{argv[1]}" if len(argv) > 1 else ""
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="credit-bot-screens-"))
    sandbox = start_sandbox(work / "sandbox.db")
    profile = tempfile.mkdtemp(prefix="credit-bot-chromium-")
    driver = driver_for(profile)
    try:
        sandbox.wait_idle(15)
        for role, user in ROLES.items():
            act_as(driver, sandbox.url, user)
            open_channel(driver, "home")
            target = out / f"home-{role}{suffix}.png"
            driver.save_screenshot(str(target))
            print(target)
        act_as(driver, sandbox.url, ROLES["contractor"])
        open_channel(driver, demo.CONTRACTOR_CHANNEL)
        target = out / f"sandbox{suffix}.png"
        driver.save_screenshot(str(target))
        print(target)
        driver.find_element(By.ID, "help-toggle").click()
        for what in ("deliver", "crm_file"):
            driver.find_element(By.CSS_SELECTOR, f'[data-outside="{what}"]').click()
            WebDriverWait(driver, 15).until(lambda d, w=what: ("HTTP 201" if w == "crm_file" else "HTTP 200")
                                            in d.find_element(By.ID, "outside-answer").text)
        sandbox.wait_idle(10)
        time.sleep(1.0)
        driver.execute_script("const m = document.getElementById('messages'); m.scrollTop = m.scrollHeight;"
                              "document.getElementById('outside-answer').scrollIntoView({block: 'end'});")
        time.sleep(0.3)
        target = out / f"api-filing{suffix}.png"
        driver.save_screenshot(str(target))
        print(target)
    finally:
        driver.quit()
        sandbox.stop()
        shutil.rmtree(profile, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
