"""Opens the results browser's pages in headless Chromium (Selenium + chromedriver).

Visits the leaderboard (/), a run's conversation table (/runs/<id>, sorted by score and paged)
and a transcript (/conversations/<id>), takes a screenshot of each, and prints one JSON object:
what each page showed, the screenshots' measures, and whether a hostile model reply (a <script>
that calls alert and sets document.title) ran. Started by the Swift test BrowsePagesBrowserTests;
exits non-zero with a message on stderr on failure.
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import headless  # noqa: E402
import png_check  # noqa: E402
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--run", required=True)
    parser.add_argument("--conversation", required=True)
    parser.add_argument("--out", required=True)
    headless.add_browser_arguments(parser)
    args = parser.parse_args()

    driver = headless.start(args)
    wait = WebDriverWait(driver, 60)
    shots = []
    result = {"titles": [], "alerts": 0}

    def shot(name):
        path = os.path.join(args.out, name + ".png")
        driver.save_screenshot(path)
        shots.append(path)

    def note_alert():
        try:
            driver.switch_to.alert.accept()
            result["alerts"] += 1
        except NoAlertPresentException:
            pass

    try:
        driver.get(args.base + "/")
        wait.until(EC.presence_of_element_located((By.ID, "leaderboard")))
        note_alert()
        result["boards"] = len(driver.find_elements(By.CSS_SELECTOR, "#leaderboard .board"))
        result["leaderboard_text"] = driver.find_element(By.ID, "leaderboard").text
        result["titles"].append(driver.title)
        shot("01-leaderboard")

        driver.get(args.base + "/runs/" + args.run + "?sort=score&order=desc&limit=3")
        wait.until(EC.presence_of_element_located((By.ID, "conversations")))
        note_alert()
        rows = driver.find_elements(By.CSS_SELECTOR, "#conversations tr.conversation")
        result["table_rows"] = [row.get_attribute("data-id") for row in rows]
        result["has_next_page"] = len(driver.find_elements(By.CSS_SELECTOR, "#pager a.page-next")) > 0
        result["titles"].append(driver.title)
        shot("02-run")
        if result["has_next_page"]:
            driver.find_element(By.CSS_SELECTOR, "#pager a.page-next").click()
            wait.until(EC.presence_of_element_located((By.ID, "conversations")))
            note_alert()
            rows = driver.find_elements(By.CSS_SELECTOR, "#conversations tr.conversation")
            result["next_rows"] = [row.get_attribute("data-id") for row in rows]

        driver.get(args.base + "/conversations/" + args.conversation)
        wait.until(EC.presence_of_element_located((By.ID, "transcript")))
        note_alert()
        turns = driver.find_elements(By.CSS_SELECTOR, "#transcript article.turn")
        result["turns"] = len(turns)
        result["transcript_text"] = driver.find_element(By.ID, "transcript").text
        result["titles"].append(driver.title)
        shot("03-transcript")

        result["screenshots"] = [png_check.measure(path) for path in shots]
        result["script_ran"] = result["alerts"] > 0 or any("pwned" in t for t in result["titles"])
        print(json.dumps(result))
    except Exception as error:  # noqa: BLE001 - reported to the Swift test, which fails with it
        print("browse_pages.py: %s: %s\npage: %s" % (type(error).__name__, error, driver.page_source[:2000]), file=sys.stderr)
        sys.exit(1)
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
