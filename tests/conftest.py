from __future__ import annotations

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
BRIEFS = ROOT / "tests" / "data" / "briefs"
# The built-in kinds and topics, written out: tests parametrise over these, so a
# missing template fails a test instead of shrinking the grid to nothing.
KINDS = ("推进会", "动员部署会", "主持词", "座谈发言", "总结部署会")
TOPICS = ("文明城市创建", "人居环境整治", "城市管理", "生态环境保护", "社区治理")
GOLDEN = ROOT / "tests" / "golden"


def brief_yaml(**overrides) -> str:
    """A minimal valid brief (required keys only), with overrides merged in."""
    data = {
        "kind": "推进会",
        "topic": "文明城市创建",
        "locality": {"name": "福海区", "level": "区"},
        "meeting": {"title": "全区创建全国文明城市工作推进会", "date": "2026-05-08"},
        "speaker": {"title": "区委书记"},
    }
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@pytest.fixture
def make_brief(tmp_path):
    def make(name: str = "brief.yaml", **overrides) -> Path:
        path = tmp_path / name
        path.write_text(brief_yaml(**overrides), encoding="utf-8")
        return path
    return make
