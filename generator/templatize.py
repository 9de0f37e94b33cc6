"""``speechgen templatize``: turn last year's speech into a Jinja template plus a brief.

Staff reuse old speeches by changing names and numbers; this makes that explicit.
Places (jieba ``ns`` and the gazetteer), people (``nr``), organisations (``nt``),
dates, numbers with units and placeholders (X同志, 某县, the inside of an empty （）;
each occurrence its own ``vars.placeholder_N``) become variables; the brief keeps the original
values, so rendering the template with it gives back the original text exactly.
Literal ``{`` is emitted as ``{{ "{" }}`` (so no ``{{``/``{%``/``{#`` can form from
the text) and ``\\r`` as ``{{ "\\r" }}`` (Jinja would normalise it to ``\\n``).
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.errors import TemplateError

DATE_RE = re.compile(
    r"(?<!\d)(?:(?:19|20)\d{2}年\d{1,2}月\d{1,2}日|\d{1,2}月\d{1,2}日|(?:19|20)\d{2}年(?:\d{1,2}月)?)"
)
UNITS = (
    "个百分点|百分点|%|％|‰|万平方米|平方米|平方公里|平方千米|公顷|亩|万千瓦时|千瓦时|万吨|吨|公斤|千克|"
    "亿元|万元|元|万户|户|万人次|人次|万人|人|个|项|处|家|件|次|名|座|条|所|辆|台|套|栋|间|批|场|期|"
    "公里|千米|米|倍|天|小时|分钟|年|月|日|万|亿"
)
NUMBER_RE = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)(?=" + UNITS + r")")
TITLE_RE = re.compile(r"^\s*(?:#+\s*)?在(.{4,60}?)上的(?:讲话|主持词|发言|致辞|讲话稿|讲话提纲)\s*$", re.M)
SKIP_WORDS = {"中国", "全国", "中华", "国家", "中央", "党中央", "国务院", "中共中央", "全省", "全市",
              "全区", "全县", "人民", "同志", "同志们", "中华民族", "祖国"}
KINDS = {"ns": "place", "nr": "person", "nt": "org"}
# jieba's POS tags over-report names (文明/nr, 城市/ns); these filters keep what a
# reader would call a name, so the brief lists facts rather than ordinary words.
SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武"
    "戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮"
    "柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古"
    "吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇"
    "桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
GENERIC_PLACES = {"新社区", "大社区", "老社区", "小社区", "老城区", "新城区", "城中村", "开发区", "新区",
                  "市区", "城区", "郊区", "社区", "街道"}
GEO_SUFFIX = ("山", "河", "江", "湖", "溪", "湾", "岛", "港", "桥", "路", "街", "巷", "村", "寨", "屯",
              "庄", "园", "广场", "水库", "公园")
ORG_SUFFIX = ("局", "委", "办", "院", "所", "中心", "公司", "站", "队", "会", "部", "厅", "处", "科",
              "组", "社", "馆", "校", "学", "集团", "银行", "医院")


PERSON_CONTEXT = re.compile(
    r"(?:书记|主任|部长|局长|区长|县长|市长|镇长|乡长|主席|委员|秘书长|队长|处长|科长|经理|校长|院长|"
    r"组长|站长|所长|同志)$"
)


def _named_person(text: str, start: int, end: int) -> bool:
    """jieba tags 文明, 谢谢, 施策 as names; a speech names a person with 同志 or a title."""
    return text.startswith("同志", end) or bool(PERSON_CONTEXT.search(text[max(0, start - 6):start]))


def _plausible(kind: str, word: str) -> bool:
    """Whether a jieba-tagged word is really a name worth a variable."""
    if kind == "place":
        from generator import gazetteer as gz
        from generator.checks.place import FUNCTION_CHARS, is_place_like, jieba_dicts

        if word in GENERIC_PLACES:
            return False
        if is_place_like(word):
            if word in gz.divisions():
                return True
            tag = jieba_dicts()[1].get(gz.short_name(word))
            return tag is None or tag.startswith("ns")  # 压实社区, 共商社区: a word plus 社区
        return (len(word) >= 3 and word.endswith(GEO_SUFFIX) and word[0] not in "各全我本该每这那其此大小新老"
                and not any(ch in FUNCTION_CHARS for ch in word))
    if kind == "person":
        return 2 <= len(word) <= 3 and word[0] in SURNAMES
    if kind == "org":
        return len(word) >= 3 and word.endswith(ORG_SUFFIX) and not word.endswith(("场所", "住所"))
    return True


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str  # title, date, number, place, person, org


def _entities(text: str) -> list[Span]:
    """Non-overlapping spans, earlier kinds winning: title, date, number, admin place, jieba."""
    spans: list[Span] = []
    taken = bytearray(len(text))

    def add(start: int, end: int, kind: str) -> None:
        if (end > start or kind == "placeholder") and not any(taken[start:end]):
            spans.append(Span(start, end, kind))
            taken[start:end] = b"\x01" * (end - start)

    for m in TITLE_RE.finditer(text):
        add(m.start(1), m.end(1), "title")
    from generator.checks.placeholder import placeholder_spans

    for start, end in placeholder_spans(text):  # X同志, 某县, （）: each one its own variable
        add(start, end, "placeholder")
    for m in DATE_RE.finditer(text):
        add(m.start(), m.end(), "date")
    for m in NUMBER_RE.finditer(text):
        add(m.start(1), m.end(1), "number")
    if re.search(r"[\u4e00-\u9fff]", text):
        from generator.checks.place import find_places

        for p in find_places(text):
            if _plausible("place", p.name):
                add(p.start, p.start + len(p.name), "place")
        import jieba
        import jieba.posseg as pseg

        jieba.setLogLevel(60)
        pos = 0
        for token in pseg.cut(text):
            word, flag = token.word, token.flag
            kind = KINDS.get(flag[:2] if flag.startswith("nr") else flag)
            if (kind and len(word) >= 2 and word not in SKIP_WORDS and not word.isascii()
                    and _plausible(kind, word)
                    and (kind != "person" or _named_person(text, pos, pos + len(word)))):
                add(pos, pos + len(word), kind)
            pos += len(word)
    spans.sort(key=lambda s: s.start)
    return spans


def _literal(text: str) -> str:
    """Template source that renders to text exactly."""
    return text.replace("{", '{{ "{" }}').replace("\r", '{{ "\\r" }}')


def _canonical_date(value: str) -> dt.date | None:
    m = re.fullmatch(r"((?:19|20)\d{2})年([1-9]\d?)月([1-9]\d?)日", value)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _key(span: Span, value: str) -> tuple[str, str]:
    """The same name always gets the same variable; each placeholder (X, 某, （）) its own."""
    return (span.kind, f"@{span.start}") if span.kind == "placeholder" else (span.kind, value)


def templatize_text(text: str) -> tuple[str, dict[str, Any]]:
    """(Jinja source, values): the same value always gets the same variable."""
    spans = _entities(text)
    values: dict[str, Any] = {}
    extra: dict[str, str] = {}
    names: dict[tuple[str, str], str] = {}
    counters: Counter[str] = Counter()

    places = Counter(text[s.start:s.end] for s in spans if s.kind == "place")
    if places:
        from generator import gazetteer as gz
        from generator.checks.place import is_place_like

        admin = [(n, c) for n, c in places.most_common() if gz.level_of(n) and is_place_like(n)]
        if admin:
            locality = admin[0][0]
            level = gz.level_of(locality)
            values["locality"] = {"name": locality, "level": {"镇": "乡镇", "乡": "乡镇"}.get(level, level)}
            names[("place", locality)] = "locality.name"
    for s in spans:
        value = text[s.start:s.end]
        if s.kind == "title" and "meeting.title" not in names.values():
            values.setdefault("meeting", {})["title"] = value
            names[("title", value)] = "meeting.title"
        elif s.kind == "date" and "meeting.date" not in names.values() and _canonical_date(value):
            values.setdefault("meeting", {})["date"] = _canonical_date(value)
            names[("date", value)] = "meeting.date"
        key = _key(s, value)
        if key not in names:
            counters[s.kind] += 1
            var = f"{s.kind}_{counters[s.kind]}"
            extra[var] = value
            names[key] = f"vars.{var}"
    if extra:
        values["vars"] = extra

    out: list[str] = []
    pos = 0
    for s in spans:
        out.append(_literal(text[pos:s.start]))
        ref = names[_key(s, text[s.start:s.end])]
        if ref == "meeting.date":
            out.append("{{ meeting.date.year }}年{{ meeting.date.month }}月{{ meeting.date.day }}日")
        else:
            out.append("{{ " + ref + " }}")
        pos = s.end
    out.append(_literal(text[pos:]))
    return "".join(out), values


def _environment() -> Any:
    """The project's sandbox when available (same rules as user templates)."""
    try:
        from generator.environment import sandboxed_env
    except ImportError:
        from jinja2 import StrictUndefined
        from jinja2.sandbox import SandboxedEnvironment

        return SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)
    return sandboxed_env()


def render_template_text(template_source: str, values: dict[str, Any], name: str = "<模板>") -> str:
    """Render a templatized speech with its brief values."""
    from jinja2 import TemplateError as JinjaError

    from generator.environment import describe_template_error

    try:
        return _environment().from_string(template_source).render(**values)
    except (JinjaError, ArithmeticError, LookupError, TypeError, ValueError, AttributeError,
            RecursionError) as exc:
        raise describe_template_error(exc, name) from None


def _write(path: Path, text: str, force: bool = False) -> None:
    from generator.writers.output import atomic_write

    atomic_write(path, text.encode("utf-8"), force=force)


def fill_command(template: Path, brief: Path, out: Path | None, force: bool = False) -> str:
    """Render a templatize template with a (possibly edited) brief: last year's speech, new facts."""
    from generator.textfiles import read_text
    from generator.writers.output import check_target
    from generator.yamlload import load_yaml_file

    if out is not None:
        check_target(out, force, [template, brief])
    values = load_yaml_file(brief).data
    if not isinstance(values, dict):
        raise TemplateError(f"{brief} 应当是键值对形式的简报。")
    meeting = values.get("meeting")
    if isinstance(meeting, dict) and isinstance(meeting.get("date"), str):
        try:  # a quoted '2027-03-01' is still the meeting date
            meeting["date"] = dt.date.fromisoformat(meeting["date"].strip())
        except ValueError:
            raise TemplateError(f"{brief}：meeting.date 应写成 2026-05-08 的形式。") from None
    source = read_text(template, None, "模板文件", TemplateError)
    text = render_template_text(source, values, str(template))
    if out is None:
        sys.stdout.write(text)
    else:
        _write(out, text, force)
    return text


def templatize_command(speech: Path, out: Path | None, brief_out: Path | None,
                       force: bool = False) -> None:
    """Write the template (stdout without -o) and the brief (beside the template by default)."""
    import yaml

    from generator.checks.reading import read_draft

    draft = read_draft(speech)
    source, values = templatize_text(draft.body)
    if render_template_text(source, values) != draft.body:  # pragma: no cover - guarded by tests
        raise TemplateError(f"模板化后无法还原原文：{speech}")
    if brief_out is None and out is not None:
        brief_out = out.with_name(out.name.split(".")[0] + ".brief.yaml")
    from generator.writers.output import check_targets

    check_targets([p for p in (out, brief_out) if p is not None], force, [speech])  # all, before any
    brief_text = yaml.safe_dump(values, allow_unicode=True, sort_keys=False, width=1000)
    if out is None:
        sys.stdout.write(source)
    else:
        _write(out, source, force)
        print(f"已写入模板：{out}", file=sys.stderr)
    if brief_out is not None:
        _write(brief_out, brief_text, force)
        n = len(values.get("vars", {})) + sum(len(v) for k, v in values.items() if k != "vars")
        print(f"已写入简报：{brief_out}（{n}个变量）", file=sys.stderr)
