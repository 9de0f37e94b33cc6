"""结构: a part its genre always has is missing (kinds.md "Skeletons").

- 主持词: after the main speech is called, the chair recaps it (刚才，X同志作了重要讲话……);
- 座谈发言: the speech closes by handing back to the meeting (以上发言，不妥之处请批评指正).
"""

from __future__ import annotations

import re

from generator.checks.model import ERROR, WARNING, Finding
from generator.checks.units import HOST, REPORT, Reading

CATEGORY = "structure"
# 下面，进行会议第四项议程：请县委书记作重要讲话 / 请王书记讲话
CALL_RE = re.compile(r"第[一二三四五六七八九十]{1,3}项(?:议程|内容)|请[^。！\n]{1,40}?(?:讲话|发言|致辞|部署)")
SPEECH_RE = re.compile(r"讲话|部署")
RECAP_RE = re.compile(
    r"刚才[^。！\n]{0,80}?(?:讲话|发言|报告|部署|通报|介绍|讲得|意见|要求)"
    r"|(?:讲话|发言)精神|(?:作了|做了)[^。！\n]{0,20}?(?:讲话|发言|部署)"
)
SALUTATION_RE = re.compile(r"(?:各位领导|同志们|各位嘉宾|各位来宾)[^。\n]{0,20}[：:]")
CLOSING_RE = re.compile(r"批评指正|谢谢|汇报完毕|以上(?:发言|汇报)|不妥之处|发言完毕|宝贵意见|多提意见"
                        r"|(?:汇报|发言|讲)就?(?:这些|到这里)")


def check_structure(reading: Reading) -> list[Finding]:
    kind, source = reading.kind
    severity = ERROR if source == "brief" else WARNING
    note = "" if source == "brief" else "（未给简报，稿件类型系推断）"
    if kind == HOST:
        return _host_recap(reading, severity, note)
    if kind == REPORT:
        if source != "brief" and not SALUTATION_RE.search(reading.text[:200]):
            return []  # no 各位领导 up front either: a written 交流材料, not a speech to close
        return _talk_closing(reading, severity, note)
    return []


def _host_recap(reading: Reading, severity: str, note: str) -> list[Finding]:
    text = reading.text
    calls = list(CALL_RE.finditer(text))
    brief = reading.facts.brief
    if not calls and not (brief is not None and (brief.meeting.agenda or brief.prior_speakers)):
        return []  # nothing was called, so there is no speech to recap
    main = [m for m in calls if SPEECH_RE.search(text, m.start(), _line_end(text, m.start()))]
    after = (main or calls)[-1] if calls else None
    if RECAP_RE.search(text, after.end() if after else 0):
        return []
    where = after.start() if after else len(text.rstrip())
    shown = text[where:_line_end(text, where)]
    return [Finding(
        "", reading.line(where), CATEGORY, severity, shown.strip("*# ")[:30] or "（全文）",
        "主持词在主要讲话之后要有小结：“刚才，××同志作了重要讲话，……我们一定要认真学习领会、"
        "抓好贯彻落实”，再提贯彻要求" + note,
    )]


def _talk_closing(reading: Reading, severity: str, note: str) -> list[Finding]:
    lines = [(i, ln) for i, ln in enumerate(reading.text.split("\n")) if ln.strip()]
    if not lines or any(CLOSING_RE.search(ln) for _, ln in lines[-3:]):
        return []
    last, text = lines[-1]
    return [Finding(
        "", last + 1, CATEGORY, severity, text.strip()[-30:],
        "座谈发言缺少结尾：末尾加一句“以上发言，不妥之处，请各位领导和同志们批评指正。”" + note,
    )]


def _line_end(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end < 0 else end
