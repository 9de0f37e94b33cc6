"""Chinese wording rules as pure functions: numbers, changes, dates, level words.

Each function is also registered as a Jinja filter (:data:`FILTERS`) so
templates never format a number, a date or a list by hand.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from decimal import ROUND_HALF_UP, Decimal

from generator.draft import chinese_numeral

# ------------------------------------------------------------------ numbers


def plain_number(value: float | int | Decimal, places: int | None = None) -> str:
    """Arabic numerals without exponent, grouping or trailing ``.0`` (GB/T 15835)."""
    d = Decimal(str(value))
    if places is not None:
        d = d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = format(d.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _exact_scaled(value: Decimal, scale: int) -> str | None:
    """value / 10**scale, if that needs at most two decimals (so nothing is rounded away)."""
    scaled = value.scaleb(-scale)
    if scaled == scaled.quantize(Decimal("0.01")):
        return plain_number(scaled)
    return None


def quantity(value: float | int, unit: str = "") -> str:
    """41500 吨 → 4.15万吨; 126000 平方米 → 12.6万平方米; 1.5e8 元 → 1.5亿元.

    Values are scaled to 万/亿 only when no precision is lost; otherwise the
    exact number is printed, since a draft must not change the brief's figures.
    A unit that already carries 万 (万元, 万吨) rolls over to 亿 at 10,000.
    """
    unit = unit or ""
    d = Decimal(str(value))
    if unit in ("%", "％", "‰", "个百分点"):
        return f"{plain_number(d)}{'%' if unit == '％' else unit}"
    if unit.startswith("万") and abs(d) >= 10000:
        scaled = _exact_scaled(d, 4)
        if scaled is not None:
            return f"{scaled}亿{unit[1:]}"
        return f"{plain_number(d)}{unit}"
    if unit.startswith(("万", "亿")):
        return f"{plain_number(d)}{unit}"
    if abs(d) >= 100_000_000:
        scaled = _exact_scaled(d, 8)
        if scaled is not None:
            return f"{scaled}亿{unit}"
    if abs(d) >= 10000:
        scaled = _exact_scaled(d, 4)
        if scaled is not None:
            return f"{scaled}万{unit}"
    return f"{plain_number(d)}{unit}"


def is_percent(unit: str) -> bool:
    return unit in ("%", "％")


DAY_UNITS = ("天", "日")
COUNT_UNITS = ("个", "家", "名", "件", "次", "项", "处", "条", "座", "所", "支", "户", "人")
SMALL_COUNT = 100


def by_count(unit: str, value: Decimal, baseline: Decimal) -> bool:
    """Days change by days (优良天数318天，同比增加17天); small counts by count (增加5个)."""
    if unit in DAY_UNITS:
        return True
    return unit in COUNT_UNITS and max(abs(value), abs(baseline)) <= SMALL_COUNT


def change(value: float | int, baseline: float | int | None, unit: str = "",
           baseline_label: str = "上年同期") -> str:
    """How a figure moved against its baseline, worded the way reports word it.

    ``%`` values differ in 个百分点 (提高6.4个百分点); days and small counts by their
    difference (同比增加17天, 增加5个); other values by relative change (同比增长12.3%);
    equal values are 持平. Empty when there is no baseline.
    """
    if baseline is None:
        return ""
    label = baseline_label or "上年同期"
    prefix = "同比" if label == "上年同期" else f"比{label}"
    v, b = Decimal(str(value)), Decimal(str(baseline))
    if v == b:
        return f"与{label}持平"
    if is_percent(unit):
        diff = abs(v - b)
        verb = "提高" if v > b else "下降"
        return f"{prefix}{verb}{plain_number(diff, 2)}个百分点"
    if b == 0 or by_count(unit, v, b):
        verb = "增加" if v > b else "减少"
        if b != 0 and label == "上年同期":
            return f"同比{verb}{quantity(abs(v - b), unit)}"
        return f"比{label}{verb}{quantity(abs(v - b), unit)}"
    pct = (v - b) / abs(b) * 100
    rounded = pct.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if rounded == 0:
        return f"与{label}基本持平"
    verb = "增长" if pct > 0 else "下降"
    return f"{prefix}{verb}{plain_number(abs(rounded))}%"


MEASURE_NOUNS = ("率", "数", "量", "面积", "总额", "浓度", "指数", "比例", "占比", "规模", "收入", "产值",
                 "均值", "天数", "人数", "户数", "个数", "时长", "长度", "水平", "得分", "排名",
                 "满意度", "参与度", "知晓度", "者", "人员", "人次", "覆盖面")


def figure_text(label: str, value: float | int, unit: str = "",
                baseline: float | int | None = None, baseline_label: str = "上年同期",
                verb: str = "") -> str:
    """清运垃圾4.15万吨 / 交办问题整改率达到97%，比上年同期提高8个百分点 / 浓度降至35微克.

    A label that names a measure (…率, …浓度, …天数) takes a verb — 降至 when the
    figure fell against its baseline, 达到 otherwise; a label that names an action
    (清运垃圾, 化解矛盾纠纷) takes the number directly.
    """
    if not verb and (is_percent(unit) or label.endswith(MEASURE_NOUNS)):
        verb = "降至" if baseline is not None and value < baseline else "达到"
    text = f"{label}{verb}{quantity(value, unit)}"
    moved = change(value, baseline, unit, baseline_label)
    return f"{text}，{moved}" if moved else text


# -------------------------------------------------------------------- dates


def cn_date(day: dt.date) -> str:
    """2026-05-08 → 2026年5月8日."""
    return f"{day.year}年{day.month}月{day.day}日"


def month_day(day: dt.date) -> str:
    return f"{day.month}月{day.day}日"


def countdown(start: dt.date, end: dt.date) -> str:
    """Time left from the meeting to a milestone: 只有63天 / 不到两个月 / 只有两个多月."""
    days = (end - start).days
    if days <= 0:
        return ""
    if days <= 45:
        return f"只有{days}天"
    if days < 60:
        return "不到两个月"
    if days >= 365:
        return "只有一年多" if days < 730 else f"只有{chinese_numeral(days // 365).replace('二', '两')}年多"
    months = days // 30
    word = "两" if months == 2 else chinese_numeral(months)
    return f"只有{word}个月" if days - months * 30 < 5 else f"只有{word}个多月"


# ------------------------------------------------------------- level words

_LEVEL_WORDS = {
    # level: (全区, 我区, 区委区政府, 各街道, 各部门, bare)
    "市": ("全市", "我市", "市委、市政府", "各区县", "市直各部门", "市"),
    "区": ("全区", "我区", "区委、区政府", "各街道（乡镇）", "区直各部门", "区"),
    "县": ("全县", "我县", "县委、县政府", "各乡镇（街道）", "县直各部门", "县"),
    "街道": ("全街道", "我们街道", "街道党工委、办事处", "各社区", "街道各科室", "街道"),
    "乡镇": ("全镇", "我镇", "镇党委、镇政府", "各村（社区）", "镇直各单位", "镇"),
    "社区": ("全社区", "我们社区", "社区党组织、居委会", "各网格", "社区各工作站", "社区"),
}
TOKENS = ("全区", "我区", "区委区政府", "各街道", "各部门", "区")


def level_words(level: str, name: str = "") -> dict[str, str]:
    """The words a speech uses for its own level (全区/我县/街道党工委、办事处…)."""
    words = list(_LEVEL_WORDS[level])
    if level == "乡镇" and name.endswith("乡"):
        words = [w.replace("镇", "乡") for w in words]
    return dict(zip(TOKENS, words, strict=True))


_PARENT_SUFFIX = (
    ("自治州", "州委、州政府"), ("地区", "地委、行署"), ("街道", "街道党工委、办事处"),
    ("市", "市委、市政府"), ("州", "州委、州政府"), ("盟", "盟委、行署"),
    ("区", "区委、区政府"), ("县", "县委、县政府"), ("旗", "旗委、旗政府"),
    ("镇", "镇党委、镇政府"), ("乡", "乡党委、乡政府"), ("省", "省委、省政府"),
)


def parent_leadership(parent: str) -> str:
    """滨海市 → 市委、市政府; empty when the parent's level cannot be told."""
    for suffix, words in _PARENT_SUFFIX:
        if parent.endswith(suffix):
            return words
    return ""


# ------------------------------------------------------------ joining text

_CLOSERS = "。！？；，、：…"


def clause(text: str) -> str:
    """A fragment ready to be followed by more text: no trailing punctuation."""
    return text.strip().rstrip(_CLOSERS + ".,;:!? ")


def sentence(text: str) -> str:
    """A fragment as a full sentence ending in 。 (keeps ！ and ？)."""
    text = text.strip()
    if not text:
        return ""
    if text[-1] in "！？":
        return text
    if text.endswith("”") and len(text) > 1 and text[-2] in "。！？":
        return text
    return clause(text) + "。"


def join_list(items: list[str] | tuple[str, ...], last: str = "和") -> str:
    """甲 / 甲和乙 / 甲、乙和丙 (items are stripped of their own end punctuation)."""
    parts = [clause(i) for i in items if clause(i)]
    if not parts:
        return ""
    if len(parts) == 1:
        return parts[0]
    return "、".join(parts[:-1]) + last + parts[-1]


def ordinal(n: int, suffix: str = "是") -> str:
    """1 → 一是, 2 → 二要 (suffix 要)."""
    return f"{chinese_numeral(n)}{suffix}"


def enum_length(items: list[str] | tuple[str, ...]) -> int:
    """Characters of macros.j2's enum(items): 一是A；二是B。 (one item: A。), without rendering it."""
    if len(items) == 1:
        return len(sentence(items[0]))
    return sum(len(ordinal(i + 1)) + len(clause(item)) + 1 for i, item in enumerate(items))


def fit_points(points: list[str] | tuple[str, ...], extra: int, room: float) -> int:
    """How many of a pack measure's points fit beside ``extra`` characters in ``room``
    (at least one): a stand-alone measure never outgrows the brief's shortest measure."""
    n = len(points)
    while n > 1 and extra + enum_length(points[:n]) > room:
        n -= 1
    return n


_CJK = r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f“”‘’]"
_HALF = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}
_HALF_RE = re.compile(rf"(?<={_CJK})\s*([,;:?!])\s*|\s*([,;:?!])\s*(?={_CJK})")
_PAREN_RE = re.compile(r"\(([^()]*[\u3400-\u9fff][^()]*)\)")


def fullwidth(text: str) -> str:
    """Half-width punctuation next to Chinese becomes full width (2026-5 and 4.15 stay)."""
    text = _HALF_RE.sub(lambda m: _HALF[m.group(1) or m.group(2)], text)
    text = _PAREN_RE.sub(r"（\1）", text)
    return text


_TIDY = (
    (re.compile(r"[，、；：]+(?=[。！？])"), ""),
    (re.compile(r"。{2,}"), "。"),
    (re.compile(r"，{2,}"), "，"),
    (re.compile(r"、{2,}"), "、"),
    (re.compile(r"([。！？；])[，、]"), r"\1"),
    (re.compile(r"[ \t]+(?=[\u3400-\u9fff，。；：！？、])"), ""),
    (re.compile(r"(?<=[\u3400-\u9fff，。；：！？、])[ \t]+"), ""),
)


# Anything one of the _TIDY patterns could match (a superset): most blocks are clean,
# and one search is cheaper than seven substitutions (tidy runs on every block).
_TIDY_ANY = re.compile(r"[，、；：](?=[。！？])|。。|，，|、、|[。！？；][，、]|[ \t]")


def tidy(text: str) -> str:
    """Last pass over joined template pieces: no doubled or dangling punctuation."""
    if not _TIDY_ANY.search(text):
        return text
    for pattern, repl in _TIDY:
        text = pattern.sub(repl, text)
    return text


def cn_count(n: int) -> str:
    """A count before a measure word: 2 → 两 (两项议程), otherwise 三, 十二…"""
    return "两" if n == 2 else chinese_numeral(n)


GENERIC_BIGRAMS = frozenset(
    "推进 加强 深化 强化 全面 工作 管理 治理 提升 持续 扎实 建设 推动 落实 健全 完善 坚持 聚焦 突出 "
    "严格 开展 专项 整治 重点 集中 规范 优化 加快 机制 水平 质量 能力 服务 长效 精细 常态".split()
)


@functools.lru_cache(maxsize=16384)
def topic_bigrams(text: str) -> frozenset[str]:
    """What a measure title is about: its bigrams minus the verbs every title uses."""
    chars = "".join(ch for ch in text if "\u4e00" <= ch <= "\u9fff")
    return frozenset(chars[i:i + 2] for i in range(len(chars) - 1)) - GENERIC_BIGRAMS


FILTERS = {
    "cn_count": cn_count,
    "quantity": quantity,
    "change": change,
    "cn_date": cn_date,
    "month_day": month_day,
    "clause": clause,
    "sentence": sentence,
    "join_list": join_list,
    "ordinal": ordinal,
    "fit_points": fit_points,
    "cn_num": chinese_numeral,
    "fullwidth": fullwidth,
}
