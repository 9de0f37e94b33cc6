"""What a copied web page looks like around a speech: chrome, the title, the salutation.

Speech sites differ in wording but not in kind, so chrome is recognised by what it
is, never by a list of sites: navigation and account words on lines that are not
sentences, breadcrumbs and publishing lines, pagers, footers after the speech has
ended, and lines the page repeats. The title is the line naming a speech (…讲话,
…发言稿, 在…上的…) nearest before the salutation (同志们：). The rules live in
``generator/data/ingest_rules.yaml`` and are validated when first used.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from generator.errors import CorpusError

RULES_FILE = "ingest_rules.yaml"
SENTENCE_END = re.compile(r"[。！？]")
BARE_PUNCT = re.compile(r"[。！？；，]")
HEADING = re.compile(
    r"^(?:[一二三四五六七八九十]+[、是要]|[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、](?!\d)"
    r"|第[一二三四五六七八九十]+[，、：是])"
)
DATE_ONLY = re.compile(r"^[（(]?\d{4}年\d{1,2}月\d{1,2}日[）)]?$")
SPEECH_AT = re.compile(r"在.{2,50}?上的")
CRUMB = re.compile(r"\s*[>＞»›]\s*")
PAGED = re.compile(r"[_＿]\s*第\s*\d+\s*页$")  # a page's own title with its pager suffix
TITLE_HINTS = [
    re.compile(r"^本文标题\s*[:：]\s*(.+)$"),
    re.compile(r"^(?:当前位置|您的位置|您现在的位置|所在位置)\s*[:：].*[>＞»›]\s*([^>＞»›]+)$"),
    re.compile(r"^导语\s*[:：]\s*(.+?)一文来源于"),
]
MAX_TITLE = 60
BARE_MAX = 60  # a chrome word only counts on a line this short that is not a sentence
TAIL_AFTER = 200  # a footer marker counts once this much speech text came before it


@dataclass(frozen=True)
class Rules:
    line_starts: tuple[str, ...]
    words: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...]
    tail_starts: tuple[str, ...]
    inline: tuple[re.Pattern[str], ...]
    endings: tuple[str, ...]
    suffixes: tuple[re.Pattern[str], ...]
    prefixes: tuple[re.Pattern[str], ...]
    salutation: re.Pattern[str]
    kinds: tuple[tuple[str, tuple[str, ...]], ...]
    convened: tuple[tuple[str, re.Pattern[str]], ...]
    opening: tuple[tuple[str, re.Pattern[str]], ...]
    topics: dict[str, tuple[str, ...]]


KIND_NAMES = ("推进会", "动员部署会", "主持词", "座谈发言", "总结部署会")
TOPIC_NAMES = ("文明城市创建", "人居环境整治", "城市管理", "生态环境保护", "社区治理", "other")


def _bad(where: str, key: str, what: str) -> CorpusError:
    return CorpusError(f"{where}：{key} {what}")


def _strings(data: Any, key: str, where: str) -> tuple[str, ...]:
    if not isinstance(data, list) or not data:
        raise _bad(where, key, "应当是非空的列表")
    for i, item in enumerate(data, 1):
        if not isinstance(item, str) or not item.strip():
            raise _bad(where, key, f"第{i}项应当是非空的文字")
    return tuple(data)


def _regex(text: Any, key: str, where: str) -> re.Pattern[str]:
    if not isinstance(text, str) or not text:
        raise _bad(where, key, "应当是正则表达式文字")
    try:
        return re.compile(text)
    except re.error as exc:
        raise _bad(where, key, f"不是合法的正则表达式（{exc}）：{text}") from None


def _section(data: dict, key: str, where: str) -> dict:
    value = data.get(key)
    if not isinstance(value, dict):
        raise _bad(where, key, "缺少或不是键值对")
    return value


def parse_rules(data: Any, where: str) -> Rules:
    """Validate the rule file's structure; every error names the file and the key."""
    if not isinstance(data, dict):
        raise CorpusError(f"{where}：规则文件应当是键值对")
    chrome = _section(data, "chrome", where)
    title = _section(data, "title", where)
    regexes = {k: tuple(_regex(p, f"{sec}.{k}[{i}]", where) for i, p in enumerate(_strings(src.get(k), f"{sec}.{k}", where), 1))
               for sec, src, keys in (("chrome", chrome, ("patterns", "inline")), ("title", title, ("suffixes", "prefixes")))
               for k in keys}
    kinds = []
    for i, row in enumerate(data.get("kinds") or [], 1):
        if not isinstance(row, dict) or row.get("kind") not in KIND_NAMES:
            raise _bad(where, f"kinds[{i}].kind", "应当是" + "、".join(KIND_NAMES) + "之一")
        kinds.append((row["kind"], _strings(row.get("cues"), f"kinds[{i}].cues", where)))
    convened, opening = _cue_rows(data, "convened", where), _cue_rows(data, "opening", where)
    topics = data.get("topics")
    if not isinstance(topics, dict) or set(topics) != set(TOPIC_NAMES):
        raise _bad(where, "topics", "应当恰好列出：" + "、".join(TOPIC_NAMES))
    if not kinds:
        raise _bad(where, "kinds", "不能为空")
    return Rules(
        line_starts=_strings(chrome.get("line_starts"), "chrome.line_starts", where),
        words=_strings(chrome.get("words"), "chrome.words", where),
        patterns=regexes["patterns"],
        tail_starts=_strings(chrome.get("tail_starts"), "chrome.tail_starts", where),
        inline=regexes["inline"],
        endings=tuple(sorted(_strings(title.get("endings"), "title.endings", where), key=len, reverse=True)),
        suffixes=regexes["suffixes"],
        prefixes=regexes["prefixes"],
        salutation=_regex(data.get("salutation"), "salutation", where),
        kinds=tuple(kinds),
        convened=convened,
        opening=opening,
        topics={t: _strings(topics[t], f"topics.{t}", where) for t in TOPIC_NAMES},
    )


def _cue_rows(data: dict, key: str, where: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    rows = data.get(key)
    if not isinstance(rows, list) or not rows:
        raise _bad(where, key, "应当是非空的列表")
    out = []
    for i, row in enumerate(rows, 1):
        if not isinstance(row, dict) or row.get("kind") not in KIND_NAMES:
            raise _bad(where, f"{key}[{i}].kind", "应当是" + "、".join(KIND_NAMES) + "之一")
        out.append((row["kind"], _regex(row.get("cue"), f"{key}[{i}].cue", where)))
    return tuple(out)


def load_rules(path: Path) -> Rules:
    from generator.yamlload import load_yaml_data  # the shared safe loader

    return parse_rules(load_yaml_data(path, "整理规则文件", CorpusError), str(path))


@lru_cache(maxsize=1)
def rules() -> Rules:
    """The packaged rule set, loaded and validated once per process."""
    with resources.as_file(resources.files("generator.data") / RULES_FILE) as path:
        return load_rules(path)


# --- titles ---------------------------------------------------------------------------------


def tidy_title(line: str) -> str:
    """The title without breadcrumbs, site suffixes (_第1页, VIP专享, 范文, （精选3篇）) or dashes."""
    r = rules()
    title = CRUMB.split(line.strip())[-1]
    changed = True
    while changed:
        before = title
        for p in r.prefixes:
            title = p.sub("", title)
        for p in r.suffixes:
            title = p.sub("", title)
        title = title.strip(" ：:—-_|｜·")
        if title.startswith("《") and title.endswith("》"):
            title = title[1:-1]
        changed = title != before
    return title


def names_speech(line: str) -> bool:
    """Whether a line (already tidied) is a speech title: …讲话/…发言稿/在…上的…, short, no sentence."""
    if not line or len(line) > MAX_TITLE or SENTENCE_END.search(line) or line.endswith(("：", ":")):
        return False
    if rules().salutation.match(line) or HEADING.match(line):
        return False
    return line.endswith(rules().endings) or bool(SPEECH_AT.search(line))


def title_hint(lines: list[str], clean: Callable[[str], str] = lambda s: s) -> str:
    """A title the page states outright: 本文标题：…, a breadcrumb's last step, 导语：…一文.

    Read from the raw lines: the 导语 form is itself a promotion that cleaning removes.
    """
    for line in lines:
        for pattern in TITLE_HINTS:
            m = pattern.match(line.strip())
            if m:
                return tidy_title(clean(m.group(1)))
    return ""


# --- chrome -----------------------------------------------------------------------------------


def is_chrome(line: str) -> bool:
    """A page line that is not speech: by its opening, a pattern, or account/navigation words."""
    r = rules()
    if line.startswith(r.line_starts) or any(p.search(line) for p in r.patterns):
        return True
    return (len(line) <= BARE_MAX and not SENTENCE_END.search(line) and not HEADING.match(line)
            and any(w in line for w in r.words))


def strip_inline(line: str) -> str:
    """Promotions glued into sentences (多篇精选范例参考…) are cut out; the sentence stays."""
    for pattern in rules().inline:
        line = pattern.sub("", line)
    return line


def _bare(line: str) -> bool:
    return not BARE_PUNCT.search(line)


def _repeated(lines: list[str], protected: Callable[[str], bool]) -> set[str]:
    """Short non-sentence lines the page shows more than once: running headers and footers."""
    counts = Counter(line for line in lines if line)
    return {
        line for line, n in counts.items()
        if n >= 2 and _bare(line) and len(line) <= 40 and not HEADING.match(line)
        and not rules().salutation.match(line) and not DATE_ONLY.match(line) and not protected(line)
        and not names_speech(tidy_title(line))  # a repeated title is the title logic's business
    }


def split_salutation(line: str) -> list[str]:
    """``同志们：今天…`` → ``同志们：`` and ``今天…``: the salutation stands on its own line."""
    m = rules().salutation.match(line)
    if m and m.end() < len(line):
        return [line[:m.end()], line[m.end():]]
    return [line]


def _glued_title(line: str) -> tuple[str, str] | None:
    """``在…上的讲话同志们：今天…`` → (title, rest) when a speech title runs into the salutation."""
    for m in re.finditer(rules().salutation.pattern, line):
        if m.start() == 0:
            return None
        head = tidy_title(line[:m.start()])
        if names_speech(head):
            return head, line[m.start():]
    return None


@dataclass
class Page:
    lines: list[str]
    title: str  # the speech's title when found on the page, else ""


def _body_start(lines: list[str]) -> int | None:
    """Index of the salutation, or of the first sentence when the speech has none near the top."""
    sal = next((i for i, ln in enumerate(lines) if ln and (rules().salutation.match(ln) or _glued_title(ln))), None)
    sent = next((i for i, ln in enumerate(lines) if len(ln) >= 15 and SENTENCE_END.search(ln)), None)
    if sal is None:
        return sent
    if sent is None or sal <= sent:
        return sal
    between = sum(len(ln) for ln in lines[sent:sal])
    return sal if between < 300 else sent


def read_page(lines: list[str], single: bool = True, hint: str = "",
              protected: Callable[[str], bool] = lambda _: False) -> Page:
    """Drop chrome; on a one-speech page also find the title and drop the page header above it.

    ``lines`` are cleaned lines with blanks kept (a blank is a real paragraph break);
    ``protected`` marks lines that are structure for the caller (篇一： headers).
    """
    hint = hint or title_hint(lines)
    lines = _cut_at_footer(lines, protected)
    repeated = _repeated(lines, protected)
    kept = [ln for ln in lines if not ln or protected(ln) or _opens_speech(ln)
            or (ln not in repeated and (names_speech(tidy_title(ln)) and not ln.startswith(rules().line_starts)
                                        or not is_chrome(ln)))]
    title = ""
    if single:
        start = _body_start(kept)
        if start is not None:
            glued = _glued_title(kept[start])
            if glued:
                title = glued[0]
                kept = [title, *split_salutation(glued[1]), *kept[start + 1:]]
                start = 1
            else:
                found = next((i for i in range(start - 1, -1, -1) if names_speech(tidy_title(kept[i]))), None)
                if found is not None:
                    title = tidy_title(kept[found])
                    kept = kept[found:]
                    start -= found
        if title:  # the title again further down (running headers, pager pages) is chrome too
            kept = [kept[0]] + [ln for ln in kept[1:] if not ln or (tidy_title(ln) != title and not PAGED.search(ln))]
        kept = _cut_tail(kept, start or 0)
    else:
        kept = _cut_tail(kept, 0)
    return Page(kept, title or hint)


def _opens_speech(line: str) -> bool:
    """A salutation, or a title glued to one: never chrome, whatever else the line carries."""
    return bool(rules().salutation.match(line) or _glued_title(line))


def _cut_at_footer(lines: list[str], protected: Callable[[str], bool]) -> list[str]:
    """A footer opening (相关文章, 免责声明, 上一篇…) after enough speech text ends the page."""
    text = 0
    for i, line in enumerate(lines):
        if text >= TAIL_AFTER and line.startswith(rules().tail_starts):
            return lines[:i]
        if SENTENCE_END.search(line) and (protected(line) or _opens_speech(line) or not is_chrome(line)):
            text += len(line)
    return lines


def _cut_tail(lines: list[str], start: int) -> list[str]:
    """Non-sentence lines trailing after the speech's last sentence are page furniture."""
    end = len(lines)
    while end > start + 1 and (not lines[end - 1] or (
            _bare(lines[end - 1]) and len(lines[end - 1]) <= 40 and not DATE_ONLY.match(lines[end - 1])
            and not lines[end - 1].endswith(("：", ":", "！", "…", "”")))):
        end -= 1
    return lines[:end]
