"""The headless Chromium the browser scripts share: the window size the Swift tests check
screenshots against, and the flags Chromium needs in a container."""

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

WINDOW = (1200, 900)


def add_browser_arguments(parser):
    """The --chromium and --chromedriver options every script takes."""
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--chromedriver", default="/usr/bin/chromedriver")


def start(args):
    """A headless Chromium driven through chromedriver, as the parsed arguments name them."""
    options = Options()
    options.binary_location = args.chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=%d,%d" % WINDOW):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(args.chromedriver), options=options)
