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

FENCE = "---"
META_KEYS = ("title", "kind", "topic", "level", "source")


@dataclass
class SpeechFile:
    path: Path
    body: str
    meta: dict[str, str] = field(default_factory=dict)
    body_line: int = 1  # 1-based line of the file where the body starts

    @property
    def title(self) -> str:
        return str(self.meta.get("title") or self.path.stem)


def parse_speech(text: str, path: Path = Path("<text>")) -> SpeechFile:
    text = text.lstrip("\ufeff")
    lines = text.split("\n")
    if lines and lines[0].strip() == FENCE:
        for i in range(1, len(lines)):
            if lines[i].strip() == FENCE:
                meta = yaml.safe_load("\n".join(lines[1:i])) or {}
                if not isinstance(meta, dict):
                    meta = {}
                return SpeechFile(path, "\n".join(lines[i + 1:]), meta, i + 2)
    return SpeechFile(path, text, {}, 1)


def read_speech(path: Path) -> SpeechFile:
    return parse_speech(path.read_text(encoding="utf-8"), path)


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
