"""Place names that do not fit the speech's locality (copy-paste leftovers).

The level words it knows (我区, 全市…) are reported by :mod:`generator.checks.levelwords`;
here they only keep 书我县 from being read as a place name.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from generator import gazetteer as gz
from generator.checks.model import ERROR, Facts, Finding, clip, line_at
from generator.checks.prefilter import Scan

LEVEL_WORD = r"(?:自治区|街道|社区|省|市|州|盟|区|县|旗|镇|乡|村)"
# 我区/本县/全市…, but not 资本市场, 根本区别, 全区域, 乡村 and the like. The look-behinds
# belong to their own prefix: 本 inside 资本/书本, 全 inside 健全/完全/安全; 我 is always 我.
SELF_RE = re.compile(
    r"(?P<pre>我|(?<![资成根基日样版账标文剧脚课书原范读蓝])本|(?<![自健完安齐保周顾两十俱求万])全)"
    r"(?P<lv>" + LEVEL_WORD + r")"
    r"(?!域|场|块|份|别|级|长|部|属|民族|外|内)"
)
SELF_SCAN = Scan(SELF_RE)
_self_memo: list[tuple[str, list[re.Match[str]]]] = []


def self_words(text: str) -> list[re.Match[str]]:
    """SELF_RE's matches in text: place, dominant level and level words all read them."""
    if _self_memo and _self_memo[0][0] is text:
        return _self_memo[0][1]
    found = list(SELF_SCAN.finditer(text))
    _self_memo[:] = [(text, found)]
    return found


GENERIC_SHORT = {
    "城", "市", "郊", "山", "园", "景", "辖", "片", "小", "老", "城乡", "中心城",
    "主城", "老城", "建成", "开发", "示范", "高新", "自贸", "保护", "功能", "风景", "商业",
    "工业", "生活", "住宅", "试验", "先行", "核心", "棚户", "试点", "重点", "百强", "先进",
    "文明", "卫生", "园林", "城市", "农业", "贫困", "民族", "边境", "革命", "经济", "产业",
    "旅游", "生态", "集聚", "综合", "行政", "居住", "办公", "物流", "科技", "创新", "保税",
    "农村", "城镇", "智慧", "和谐", "美丽", "老旧", "基层", "居民", "新型", "社会", "全国",
}
GENERIC_END = ("开发", "示范", "保护", "功能", "试验", "先行", "核心", "试点", "重点", "文明",
               "卫生", "园林", "城市", "贫困", "产业", "经济", "旅游", "生态", "集聚", "百强",
               "强", "工业", "商业", "风景", "片", "级", "类", "个", "些", "种", "型")
BAD_START = "说讲全我本各该每两三几多某其此这那上下外省市区县镇乡街在向对与和及等个为是的了到要将把被让使由从一二四五六七八九十百千"
GENERIC_TAIL = {
    "区": {"城区", "社区", "景区", "地区", "市区", "林区", "矿区", "园区", "片区", "老区", "辖区",
           "港区", "郊区", "灾区", "库区", "牧区", "垦区", "厂区", "校区", "营区", "街区", "学区",
           "功能区", "新区", "小区", "山区", "湖区", "试验区", "示范区", "保护区", "开发区"},
    "市": {"城市", "超市", "夜市", "都市", "集市", "股市", "上市", "门市", "早市", "菜市", "楼市",
           "车市", "花市", "开市", "入市", "退市"},
    "县": {"区县", "市县", "州县", "郡县", "郊县"},
    "镇": {"城镇", "乡镇", "村镇", "重镇", "集镇", "古镇", "名镇", "小镇", "市镇"},
    "乡": {"城乡", "家乡", "下乡", "故乡", "老乡", "返乡", "回乡", "同乡", "他乡", "异乡", "水乡",
           "梦乡", "思乡", "离乡"},
    "旗": {"红旗", "国旗", "党旗", "团旗", "锦旗", "彩旗", "战旗", "旌旗", "军旗", "队旗", "会旗",
           "校旗", "升旗", "举旗", "扛旗", "护旗", "白旗"},
}
CAND_RE = re.compile(r"(?<=[\u4e00-\u9fff]{2})(?:街道|社区|区|市|县|镇|乡|旗)")
CAND_SCAN = Scan(CAND_RE)
ORGAN_WORDS = {lv + w for lv in ("市", "区", "县", "镇", "乡", "旗") for w in "委长级直属"}
FUNCTION_CHARS = set("的地得和与及或对在给到向从把被将让也都还就才又再很更最要会能可应该已并且而之其个了着过吗呢吧")
ENUM_SHORT = re.compile(r"^(?:[一二三四五六七八九十][是要来则]|首先|其次|最后|同时|另外|再次|第[一二三四五六七八九十])$")
NAME_TAG_OK = ("n", "j", "s", "l", "i", "x", "z")


@dataclass(frozen=True)
class Place:
    start: int
    name: str


def is_place_like(name: str) -> bool:
    """A full administrative name (with its level word), not a generic 城区/开发区/示范县."""
    if name in gz.divisions():
        return True
    if len(name) < 3 or not gz.SUFFIX_RE.search(name) or name[0] in BAD_START:
        return False
    short = gz.short_name(name)
    if short == name or short in GENERIC_SHORT or short.endswith(GENERIC_END):
        return False
    if len(short) < 2 or any(ch in FUNCTION_CHARS for ch in short):
        return False
    _freq, tags = jieba_dicts()
    if tags.get(short, "").startswith(("v", "a", "d")) and name not in gz.divisions():
        return False  # 压实社区, 共商社区, 老城区: a verb or adjective plus a level word
    return not name.endswith(("城市", "都市", "超市"))


@lru_cache(maxsize=1)
def jieba_dicts() -> tuple[dict[str, int], dict[str, str]]:
    """jieba's word frequencies and POS tags, used to reject 走进社区, 美化城区 and the like."""
    import jieba
    import jieba.posseg as pseg

    jieba.setLogLevel(60)
    jieba.initialize()
    return jieba.dt.FREQ, pseg.dt.word_tag_tab


def _candidate_ok(text: str, start: int, end: int, short: str, suffix: str,
                  known: bool = False) -> bool:
    """Whether short+suffix at start reads as a place name rather than words run together."""
    freq, tags = jieba_dicts()
    if not known:
        if short in GENERIC_SHORT or short.endswith(GENERIC_END) or short[0] in BAD_START:
            return False
        if any(ch in FUNCTION_CHARS for ch in short):
            return False  # 局的社区, 队和社区, 压给社区, 都要旗: words run together
        if ENUM_SHORT.match(short):
            return False  # 二是街道党工委…, 一要县直部门…: an enumeration, not a name
        tails = GENERIC_TAIL.get(suffix, set())
        if short[-1] + suffix in tails or (short + suffix)[-3:] in tails:
            return False
        if suffix in ("州", "盟", "省"):
            return False  # only the gazetteer knows these
    after = suffix + text[end:end + 1]
    if after not in ORGAN_WORDS and freq.get(after):
        return False  # the level word starts a longer word (资本市场, 重点区域, 县城)
    if start > 0 and freq.get(text[start - 1] + short[0]):
        return False  # the name would start inside a word (深入社区, 美化城区)
    tag = tags.get(short)
    if tag and tag != "ns" and freq.get(short, 0) >= 200:
        return False  # 会同县 in 要会同县住建局: a common word that happens to name a county
    if tag and freq.get(short) and not tag.startswith(NAME_TAG_OK):
        return False  # a verb, adverb, numeral… (走进, 每个, 十个)
    return True


def find_places(text: str) -> list[Place]:
    """Gazetteer names everywhere, plus two-character names + level word that jieba's
    dictionary does not explain away (fictional or sub-county names: 福海区, 城关街道)."""
    found: dict[int, str] = {}
    for s, n in gz.find_divisions(text):
        short = gz.short_name(n)
        if short == n or _candidate_ok(text, s, s + len(n), short, n[len(short):], known=True):
            found[s] = n  # 要会同县住建局 is not 会同县
    covered = bytearray(len(text) + 1)
    for s, n in found.items():
        covered[s:s + len(n)] = b"\x01" * len(n)
    for m in self_words(text):  # 我县, 全市: level words, never part of a name (书我县)
        covered[m.start():m.end()] = b"\x01" * (m.end() - m.start())
    for m in CAND_SCAN.finditer(text):
        start, end, suffix = m.start() - 2, m.end(), m.group(0)
        short = text[start:m.start()]
        if any(covered[start:end]) or not _candidate_ok(text, start, end, short, suffix):
            continue
        found[start] = short + suffix
        covered[start:end] = b"\x01" * (end - start)
    return [Place(s, n) for s, n in sorted(found.items())]


def own_words(level: str) -> tuple[str, ...]:
    return gz.BRIEF_LEVEL_WORDS.get(level, (level,) if level else ())


def dominant_level(text: str) -> str:
    """The level word the speech most often uses for itself (全区/我区 → 区), '' if none."""
    # 我区 is the speaker's own level; 全市 may be the meeting's (a 区 at a 全市 座谈会)
    counts: Counter[str] = Counter()
    for m in self_words(text):
        counts[m.group("lv")] += 3 if m.group("pre") == "我" else 1
    if not counts:
        return ""
    word = counts.most_common(1)[0][0]
    for level, words in gz.BRIEF_LEVEL_WORDS.items():
        if word in words and level in ("市", "区", "县", "街道", "乡镇", "社区", "省", "村"):
            return level
    return word


def _allowed(name: str, facts: Facts, own_rank: int) -> bool:
    """Whether a place name may appear in a speech of this locality."""
    if name in (facts.name, facts.parent) or (facts.said and name in facts.said):
        return True
    rank = gz.rank_of(name)
    if rank < own_rank:
        return True  # a unit inside the locality (its 街道, 社区…) as far as we can tell
    for anchor in (facts.name, facts.parent):
        inside = gz.is_within(anchor, name) if anchor else None
        if inside:
            return True
    if rank >= 5:
        known = [a for a in (facts.name, facts.parent) if a and a in gz.divisions()]
        return not known  # a province is fine unless the gazetteer shows it is someone else's
    return False


def check_places(text: str, facts: Facts) -> list[Finding]:
    """Place names other than the locality and its parent (without a brief: the dominant one)."""
    places = find_places(text)
    if not places:
        return []
    findings: list[Finding] = []
    if facts.name:
        own_rank = gz.rank_of(facts.name) or max(
            (gz.LEVEL_RANK.get(w, 0) for w in own_words(facts.level)), default=0)
        for p in places:
            if _allowed(p.name, facts, own_rank):
                continue
            findings.append(Finding(
                "", line_at(text, p.start), "wrong_place", ERROR, clip(text, p.start, p.start + len(p.name)),
                f"出现其他地区名“{p.name}”，本稿地区为“{facts.name}”"
                + (f"（上级：{facts.parent}）" if facts.parent else "")
                + "；如系对标外地经验请核实",
            ))
        return findings
    level = facts.level or dominant_level(text)
    mine = own_words(level)
    if not mine:  # no 全区/我县 words: the most mentioned place name sets the level
        top_name = Counter(p.name for p in places).most_common(1)[0][0]
        mine = (gz.level_of(top_name),)
    ranks = {gz.LEVEL_RANK.get(w, 0) for w in mine}
    counts = Counter(p.name for p in places if gz.LEVEL_RANK.get(gz.level_of(p.name), 0) in ranks)
    if not counts:
        return []
    top, top_n = counts.most_common(1)[0]
    if top_n < 2:
        return []
    for p in places:
        if p.name != top and p.name in counts and counts[p.name] < top_n:
            findings.append(Finding(
                "", line_at(text, p.start), "wrong_place", ERROR, clip(text, p.start, p.start + len(p.name)),
                f"全文以“{top}”为主（{top_n}次），此处出现“{p.name}”，疑为套用旧稿未改",
            ))
    return findings


def check_wrong_place(text: str, facts: Facts) -> list[Finding]:
    """Other places' names; the speech's own level words are 层级用语 (checks.levelwords)."""
    findings = check_places(text, facts)
    findings.sort(key=lambda f: f.line)
    return findings
