"""The dashboard in a real browser (headless Debian chromium through chromium-driver and Selenium).

Does what an operator does with a running run: opens its page (and is sent to sign in), signs in
with the operator token, finds the run in the list, opens it, watches a log entry arrive live
(Server-Sent Events), cancels it, and waits until the page shows the run cancelled. Saves a
screenshot either way. Run by the Swift test "Dashboard in a browser"; by hand:

    DAYSHIFT_OPERATOR_TOKEN=... .build/browser-venv/bin/python3 Tests/browser/dashboard.py \
        --base-url http://127.0.0.1:8080 --run-id 1 --screenshot .build/test-artifacts/dashboard.png

The token comes from the environment, so that it never shows in a process list. Exit status 0
when every check passed, 1 with the reason on stderr otherwise, 2 when the browser cannot start.
"""

import argparse
import os
import sys
import traceback

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait


def start_browser():
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1400,1000"):
        options.add_argument(argument)
    service = Service(executable_path=os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
    return webdriver.Chrome(service=service, options=options)


def text_of(driver, selector):
    elements = driver.find_elements(By.CSS_SELECTOR, selector)
    return elements[0].text.strip() if elements else ""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--run-id", required=True, type=int)
    parser.add_argument("--screenshot", required=True)
    parser.add_argument("--timeout", type=float, default=60)
    args = parser.parse_args()
    token = os.environ.get("DAYSHIFT_OPERATOR_TOKEN", "")
    if not token:
        print("DAYSHIFT_OPERATOR_TOKEN is not set", file=sys.stderr)
        return 1
    base = args.base_url.rstrip("/")
    try:
        driver = start_browser()
    except WebDriverException as error:
        print("the browser could not start (scripts/install-browser-test installs chromium and chromium-driver): %s" % error.msg,
              file=sys.stderr)
        return 2
    wait = WebDriverWait(driver, args.timeout, poll_frequency=0.2, ignored_exceptions=(StaleElementReferenceException,))
    step = "starting"
    try:
        step = "a run page without a session sends the browser to /login"
        driver.get("%s/runs/%d" % (base, args.run_id))
        wait.until(lambda d: d.current_url.endswith("/login"))

        step = "signing in with the operator token"
        driver.find_element(By.ID, "token").send_keys(token)
        driver.find_element(By.ID, "sign-in").click()
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#runs tr[data-run='%d']" % args.run_id))
        cookies = driver.get_cookies()
        session = [c for c in cookies if c["name"] == "dayshift_session"]
        assert session and session[0]["httpOnly"] and session[0].get("sameSite") == "Strict", cookies
        assert driver.execute_script("return document.cookie") == "", "the session cookie is visible to scripts"
        row = text_of(driver, "#runs tr[data-run='%d']" % args.run_id)
        assert "running" in row and "agent" in row, row

        step = "opening the run from the list"
        driver.find_element(By.CSS_SELECTOR, "#runs tr[data-run='%d'] a" % args.run_id).click()
        wait.until(lambda d: text_of(d, "#run-status") == "running")

        step = "watching a log entry arrive live"
        wait.until(lambda d: any("agent started" in e.text for e in d.find_elements(By.CSS_SELECTOR, "#log li.live")))
        wait.until(lambda d: text_of(d, "#live-state").startswith("Live"))

        step = "cancelling the run"
        driver.find_element(By.ID, "cancel").click()
        wait.until(lambda d: "Cancel requested" in text_of(d, ".notice") or text_of(d, "#run-status") == "cancelled")

        step = "waiting for the page to show the run cancelled"
        wait.until(lambda d: text_of(d, "#run-status") == "cancelled")
        wait.until(lambda d: "run cancelled" in text_of(d, "#log"))
        assert not driver.find_elements(By.ID, "cancel"), "a cancelled run still offers Cancel"
        assert driver.find_elements(By.ID, "retry"), "a cancelled run offers no Retry"
        agent = text_of(driver, "#steps tr[data-step='agent']")
        assert "failed" in agent, agent
        print("dashboard: signed in, followed run %d live, cancelled it" % args.run_id)
        return 0
    except Exception:  # noqa: BLE001 - every failure is reported with the step it happened in
        print("dashboard check failed while %s (page %s):" % (step, driver.current_url), file=sys.stderr)
        traceback.print_exc()
        print("page text:\n%s" % text_of(driver, "body")[:3000], file=sys.stderr)
        return 1
    finally:
        try:
            os.makedirs(os.path.dirname(os.path.abspath(args.screenshot)), exist_ok=True)
            driver.save_screenshot(args.screenshot)
        finally:
            driver.quit()


if __name__ == "__main__":
    sys.exit(main())
