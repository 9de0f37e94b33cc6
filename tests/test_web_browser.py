"""End to end in a real headless Chromium (the system's; nothing is downloaded).

Skips, saying why, when Chromium, its driver or Selenium is missing, so the
README's test command passes on a fresh machine. CI sets
SPEECHGEN_REQUIRE_BROWSER=1, which turns that skip into a failure.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from tests.conftest import BRIEFS

REQUIRED = os.environ.get("SPEECHGEN_REQUIRE_BROWSER") == "1"
BROWSERS = ("chromium", "chromium-browser", "google-chrome")
DRIVERS = ("chromedriver",)
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1400,1000")


def _find(names: tuple[str, ...]) -> str | None:
    for name in names:
        found = shutil.which(name) or (f"/usr/bin/{name}" if Path(f"/usr/bin/{name}").exists() else None)
        if found:
            return found
    return None


def _missing() -> str:
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "Selenium 未安装（pip install -e '.[test]'）"
    if not _find(BROWSERS):
        return "未安装 Chromium（Debian：apt-get install chromium chromium-driver）"
    if not _find(DRIVERS):
        return "未安装 chromedriver（Debian：apt-get install chromium-driver）"
    return ""


def _need_browser() -> None:
    reason = _missing()
    if reason:
        if REQUIRED:
            pytest.fail(f"SPEECHGEN_REQUIRE_BROWSER=1 但无法运行浏览器测试：{reason}")
        pytest.skip(f"跳过浏览器端到端测试：{reason}")


@pytest.fixture(scope="module")
def server():
    _need_browser()
    proc = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    match = re.search(r"http://\S+", line)
    if not match:
        proc.kill()
        raise AssertionError(line + proc.stderr.read())
    yield match[0]
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=20)
    assert proc.returncode == 0


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    _need_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tmp_path_factory.mktemp("profile")
    downloads = tmp_path_factory.mktemp("downloads")
    options = webdriver.ChromeOptions()
    options.binary_location = _find(BROWSERS)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(executable_path=_find(DRIVERS)), options=options)
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.downloads = downloads
    yield driver
    driver.quit()


def wait(driver, test, what: str, timeout: float = 20):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.1).until(lambda d: test(d), message=what)


def preview_text(driver) -> str:
    return driver.find_element("id", "preview").text


def downloaded(driver, suffix: str, timeout: float = 20) -> Path:
    end = time.time() + timeout
    while time.time() < end:
        done = [p for p in driver.downloads.iterdir() if p.name.endswith(suffix)]
        if done:
            return done[0]
        time.sleep(0.1)
    raise AssertionError(f"no {suffix} downloaded: {list(driver.downloads.iterdir())}")


def field(driver, css: str):
    return driver.find_element("css selector", css)


def retype(element, text: str) -> None:
    from selenium.webdriver.common.keys import Keys

    element.send_keys(Keys.CONTROL, "a")
    element.send_keys(Keys.DELETE)
    element.send_keys(text)


@pytest.mark.slow
def test_form_preview_errors_download_import_and_batch(server, browser, tmp_path):
    import docx
    from selenium.webdriver.support.ui import Select

    d = browser
    d.get(server)
    wait(d, lambda d: d.find_element("id", "stats").text.startswith("共 "), "first preview")
    assert "在全区创建全国文明城市工作推进会上的讲话" in preview_text(d)

    # fill the form: another locality and level; the preview follows
    retype(field(d, 'fieldset[data-key="locality"] [data-key="name"]'), "靖安县")
    Select(field(d, 'fieldset[data-key="locality"] [data-key="level"]')).select_by_value("县")
    # the level's own words, whichever the draft uses; a draft may carry none (the seed picks
    # its wording), but the byline always joins the new name to the title (靖安县区委书记)
    county_words = ("全县", "县直各部门", "各乡镇", "县委、县政府", "靖安县区委")
    wait(d, lambda d: any(w in preview_text(d) for w in county_words), "preview after edit")

    # a repeatable group: a new achievement with a figure whose value is not a number
    field(d, '.list[data-key="achievements"] > [data-add]').click()
    item = d.find_elements("css selector", '.list[data-key="achievements"] > .rows > .item')[-1]
    item.find_element("css selector", '[data-key="title"]').send_keys("垃圾分类见效")
    item.find_element("css selector", '.list[data-key="figures"] > [data-add]').click()
    figure = item.find_elements("css selector", '.list[data-key="figures"] > .rows > .item')[-1]
    figure.find_element("css selector", '[data-key="label"]').send_keys("分类覆盖率")
    value = figure.find_element("css selector", '[data-key="value"]')
    value.send_keys("九十")
    figure.find_element("css selector", '[data-key="unit"]').send_keys("%")
    error = wait(d, lambda d: figure.find_elements("css selector", ".field-error"), "error at the field")[0]
    assert error.text == "应当是数字（不带单位，单位写在 unit/单位 里），实际是 '九十'。"
    assert value.get_attribute("aria-invalid") == "true"
    assert "处问题" in d.find_element("id", "stats").text
    retype(value, "90")
    wait(d, lambda d: "分类覆盖率达到90%" in preview_text(d), "preview with the corrected figure")
    assert not d.find_elements("css selector", ".field-error")

    # download the Word file and open it
    Select(d.find_element("id", "format")).select_by_value("docx")
    d.find_element("id", "download-btn").click()
    path = downloaded(d, ".docx")
    assert path.name.startswith("靖安县-")
    document = docx.Document(str(path))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "在全区创建全国文明城市工作推进会上的讲话" in text and "分类覆盖率达到90%" in text

    # import a brief written with Chinese keys: the form fills and the preview follows
    upload = d.find_element("id", "import-file")
    d.execute_script("arguments[0].hidden = false;", upload)
    upload.send_keys(str(BRIEFS / "valid_03_chinese_keys_street.yaml"))
    wait(d, lambda d: field(d, '[data-key="kind"]').get_attribute("value") == "主持词", "imported kind")
    assert field(d, 'fieldset[data-key="locality"] [data-key="name"]').get_attribute("value") == "城关街道"
    agenda = d.find_elements("css selector", '.list[data-key="agenda"] .val')
    assert len(agenda) == 4 and agenda[0].get_attribute("value") == "观看社区治理工作专题片"
    wait(d, lambda d: "主持词" in preview_text(d).splitlines()[0], "preview of the imported brief")

    # batch: a CSV of districts over the current form; progress, summary, then the zip
    csv_path = tmp_path / "各街道.csv"
    csv_path.write_text("locality.name,locality.level\n城关街道,街道\n东城街道,街道\n西城街道,省\n", "utf-8")
    d.get(server.rstrip("/") + "/batch")
    assert "城关街道社区治理工作推进会" in d.find_element("id", "form-summary").text
    d.find_element("css selector", 'input[name="table"]').send_keys(str(csv_path))
    Select(d.find_element("css selector", 'select[name="format"]')).select_by_value("md")
    d.find_element("css selector", '#batch-form button[type="submit"]').click()
    wait(d, lambda d: d.find_element("tag name", "body").get_attribute("data-batch") == "done", "batch done", 60)
    assert "已写入 2" in d.find_element("id", "counts").text and "失败 1" in d.find_element("id", "counts").text
    assert "西城街道" in d.find_element("id", "failures").text
    d.find_element("id", "zip-link").click()
    with zipfile.ZipFile(io.BytesIO(downloaded(d, ".zip", 30).read_bytes())) as zf:
        names = zf.namelist()
    assert "summary.csv" in names and sum(n.endswith(".md") for n in names) == 2


def test_a_missing_browser_skips_with_the_reason_or_fails_in_ci(monkeypatch):
    import tests.test_web_browser as me

    monkeypatch.setattr(me, "_find", lambda names: None)
    monkeypatch.setattr(me, "REQUIRED", False)
    with pytest.raises(pytest.skip.Exception, match="Chromium|Selenium"):
        me._need_browser()
    monkeypatch.setattr(me, "REQUIRED", True)
    with pytest.raises(pytest.fail.Exception, match="SPEECHGEN_REQUIRE_BROWSER"):
        me._need_browser()
