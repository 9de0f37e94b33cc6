"""Speech files in the corpus: UTF-8 text with an optional YAML front matter.

```
---
title: 在全区……推进会上的讲话
kind: 推进会
topic: 文明城市创建
level: 区
source: 001_b213409729b93d50.txt
---
同志们：
……
```

Plain ``.txt`` files without front matter are speeches too (meta is empty).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from generator.errors import CorpusError

FENCE = "---"
META_KEYS = ("title", "kind", "topic", "level", "source")
MAX_META_BYTES = 20_000  # front matter is a handful of short keys
MAX_META_NODES = 1_000


class FrontMatterError(CorpusError):
    """The ``---`` block of a speech file is not a plain YAML mapping."""


@dataclass
class SpeechFile:
    path: Path
    body: str
    meta: dict[str, str] = field(default_factory=dict)
    body_line: int = 1  # 1-based line of the file where the body starts

    @property
    def title(self) -> str:
        return str(self.meta.get("title") or self.path.stem)


def _front_matter(text: str, path: Path) -> dict[str, str]:
    """The front matter through the shared safe loader: tags, alias bombs and
    deep nesting are refused like in a brief; values become plain text."""
    from generator.yamlload import load_yaml_text

    data = load_yaml_text(text, str(path), error=FrontMatterError, max_bytes=MAX_META_BYTES,
                          max_nodes=MAX_META_NODES).data
    if not isinstance(data, dict):
        return {}
    return {str(k): str(v) for k, v in data.items()
            if v is not None and not isinstance(v, (dict, list))}


def parse_speech(text: str, path: Path = Path("<text>")) -> SpeechFile:
    """Split off the front matter; a broken one raises :class:`FrontMatterError` naming the file."""
    text = text.lstrip("\ufeff")
    lines = text.split("\n")
    if lines and lines[0].strip() == FENCE:
        for i in range(1, len(lines)):
            if lines[i].strip() == FENCE:
                meta = _front_matter("\n".join(lines[1:i]), path)
                return SpeechFile(path, "\n".join(lines[i + 1:]), meta, i + 2)
    return SpeechFile(path, text, {}, 1)


def read_speech(path: Path) -> SpeechFile:
    from generator.textfiles import read_text

    text = read_text(path, None, "语料文件", CorpusError).replace("\r\n", "\n").replace("\r", "\n")
    return parse_speech(text, path)


def format_speech(meta: dict[str, str], body: str) -> str:
    """Front matter in a fixed key order, so re-ingesting is byte-identical."""
    ordered = {k: meta[k] for k in META_KEYS if meta.get(k)}
    ordered.update({k: v for k, v in meta.items() if k not in ordered and v})
    head = yaml.safe_dump(ordered, allow_unicode=True, sort_keys=False, width=1000).strip()
    return f"{FENCE}\n{head}\n{FENCE}\n{body.strip()}\n"


def iter_speech_paths(paths: list[Path]) -> list[Path]:
    """Files given directly, plus *.md/*.txt inside directories (README.md excluded), sorted."""
    found: list[Path] = []
    for p in paths:
        if p.is_dir():
            found += sorted(
                q for q in p.rglob("*")
                if q.suffix in {".md", ".txt"} and q.name.lower() != "readme.md"
            )
        else:
            found.append(p)
    return found
