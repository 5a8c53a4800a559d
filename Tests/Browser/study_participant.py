"""Plays one study participant in headless Chromium (Selenium + chromedriver).

Opens the participant's link, reads the task card, chats --turns times (rating whenever the page
asks for it), ends the chat with the final rating, and takes a screenshot at each stage. Prints
one JSON object on stdout: what it read and did (how many replies arrived without a page
navigation, i.e. streamed by the page's script), the screenshots' paths, and whether any model
reply ran as script (the scripted agent's replies carry a <script> that sets document.title).

Started by the Swift test StudyBrowserTests; exits non-zero with a message on stderr on failure.
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import headless  # noqa: E402
import png_check  # noqa: E402
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--turns", type=int, default=4)
    headless.add_browser_arguments(parser)
    args = parser.parse_args()

    driver = headless.start(args)
    wait = WebDriverWait(driver, 60)
    shots = []
    result = {"ratings_given": 0, "messages_sent": 0, "streamed_replies": 0, "titles": []}

    def shot(name):
        path = os.path.join(args.out, name + ".png")
        driver.save_screenshot(path)
        shots.append(path)

    def rate(prefix, button, quality, interaction, comment):
        Select(driver.find_element(By.ID, prefix + "-quality")).select_by_value(str(quality))
        Select(driver.find_element(By.ID, prefix + "-interaction")).select_by_value(str(interaction))
        driver.find_element(By.ID, prefix + "-comment").send_keys(comment)
        driver.find_element(By.ID, button).click()

    try:
        driver.get(args.url)
        wait.until(EC.presence_of_element_located((By.ID, "task-card")))
        result["intent"] = driver.find_element(By.ID, "intent").text
        result["first_prompt"] = driver.find_element(By.ID, "prompt").text
        shot("01-task-card")
        for turn in range(1, args.turns + 1):
            if driver.find_elements(By.ID, "rate-form"):
                rate("rate", "rate", 7, 8, "going fine")
                wait.until(EC.presence_of_element_located((By.ID, "message-form")))
                result["ratings_given"] += 1
            # A marker on the window survives only if the reply arrives without a page navigation
            # (the page's script streams it from /stream and updates the page in place).
            driver.execute_script("window.__studyTurn = arguments[0];", turn)
            box = driver.find_element(By.ID, "message")
            box.send_keys("Turn %d: %s" % (turn, result["first_prompt"][:200] if turn == 1 else "please revise it"))
            driver.find_element(By.ID, "send").click()
            # The reply is the agent's turn after this message: msg-(2*turn - 1).
            wait.until(EC.presence_of_element_located((By.ID, "msg-%d" % (2 * turn - 1))))
            result["messages_sent"] += 1
            if driver.execute_script("return window.__studyTurn === arguments[0];", turn):
                result["streamed_replies"] += 1
            result["titles"].append(driver.title)
            if turn == 2:
                shot("02-chat")
        result["last_reply"] = driver.find_elements(By.CSS_SELECTOR, ".study-assistant pre")[-1].text
        if driver.find_elements(By.ID, "rate-form"):
            rate("rate", "rate", 7, 8, "still fine")
            wait.until(EC.presence_of_element_located((By.ID, "finish-form")))
            result["ratings_given"] += 1
        shot("03-before-finish")
        rate("final", "finish", 8, 9, "done, thanks")
        wait.until(EC.presence_of_element_located((By.ID, "thanks")))
        result["titles"].append(driver.title)
        shot("04-thanks")
        result["screenshots"] = [png_check.measure(path) for path in shots]
        result["script_ran"] = any("pwned" in t for t in result["titles"])
        print(json.dumps(result))
    except Exception as error:  # noqa: BLE001 - reported to the Swift test, which fails with it
        try:
            shot("failure")
        except Exception:  # noqa: BLE001
            pass
        print("study_participant.py: %s: %s\npage: %s" % (type(error).__name__, error, driver.page_source[:2000]), file=sys.stderr)
        sys.exit(1)
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
