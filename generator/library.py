"""The template library: built-in templates layered under a user ``--templates`` folder.

One home for what the templates define: the kinds (with their notes and, once
``kinds.yaml`` exists, their profiles), the topics with their descriptions, the
phrase bank, ``init``'s starter defaults (``starter.yaml``) and the formulations file. The CLI builds
one library per command with :meth:`TemplateLibrary.load` and hands it to render,
validate, init, list, batch and check.

It is hashable (a frozen dataclass keyed by its folders), so the Jinja
environment and the per-pack caches key on it, and it pickles into batch workers.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.errors import Problem, TemplateError

#: Built-in kinds in display order, with the line ``speechgen list`` shows.
KIND_NOTES = {
    "推进会": "工作推进会上的主要领导讲话：肯定成绩、查摆问题、部署措施、加强领导。",
    "动员部署会": "动员部署会讲话：认清形势、统一思想，明确目标任务和责任。",
    "主持词": "会议主持人串词：开会、出席人员、议程串联、贯彻要求、散会。",
    "座谈发言": "座谈会、交流会上的单位发言：做法成效、存在问题、下步打算。",
    "总结部署会": "阶段总结暨部署会讲话：回顾成绩、分析形势、部署下一阶段任务。",
}
#: Built-in topics in display order; a user's own come after, by name.
TOPIC_ORDER = ("文明城市创建", "人居环境整治", "城市管理", "生态环境保护", "社区治理")
CUSTOM_KIND_NOTE = "自定义讲话类型。"


def builtin_templates() -> Path:
    """The shipped templates folder (inside the wheel, or the checkout's templates/)."""
    from generator import resource_dir

    return resource_dir("templates")


def _check_kinds_file(path: Path) -> Any:
    """One kinds.yaml: profiles and pool voices, validated (generator.kinds)."""
    from generator.kinds import load_kinds

    return load_kinds([path.parent])


def _order(known: tuple[str, ...] | dict[str, str], name: str) -> tuple[int, str]:
    keys = tuple(known)
    return (keys.index(name) if name in keys else len(keys), name)


@dataclass(frozen=True)
class TemplateLibrary:
    """Where templates come from: the user's folder first, then the built-in one."""

    user: Path | None = None

    @classmethod
    def load(cls, user: Path | None = None) -> TemplateLibrary:
        """The library for one command: the user folder must exist, and every file the
        user supplies (packs, phrases) is validated now, before anything renders."""
        if user is not None:
            if not user.is_dir():
                raise TemplateError(f"模板目录不存在：{user}")
            user = user.resolve()
        library = cls(user)
        library.validate(user_only=True)
        return library

    # ------------------------------------------------------------ folders

    @property
    def builtin(self) -> Path:
        return builtin_templates()

    @property
    def search(self) -> list[Path]:
        return [p for p in (self.user, self.builtin) if p is not None]

    def find(self, relative: str) -> Path | None:
        for base in self.search:
            candidate = base / relative
            if candidate.is_file():
                return candidate
        return None

    # ------------------------------------------------------------ catalogue

    def kinds(self) -> list[str]:
        names = {p.name.removesuffix(".md.j2") for base in self.search for p in base.glob("*.md.j2")}
        return sorted(names, key=functools.partial(_order, KIND_NOTES))

    def topics(self) -> list[str]:
        names = {p.stem for base in self.search for p in (base / "topics").glob("*.yaml")}
        return sorted(names, key=functools.partial(_order, TOPIC_ORDER))

    def kind_note(self, kind: str) -> str:
        profile = self.profiles().get(kind)
        note = getattr(profile, "description", "") if profile is not None else ""
        return note or KIND_NOTES.get(kind, CUSTOM_KIND_NOTE)

    def topic_description(self, topic: str) -> str:
        return str(self.pack(topic).get("description", ""))

    def pack(self, topic: str) -> dict[str, Any]:
        from generator.packs import load_pack

        return load_pack(self, topic)

    def phrases(self) -> dict[str, list[str]]:
        from generator.packs import load_phrases

        return load_phrases(self)

    def profiles(self) -> dict[str, Any]:
        """Per-kind profiles (generator.kinds, from ``kinds.yaml``, the user's overriding
        kind by kind); {} while that module is not part of the install."""
        try:
            from generator.kinds import load_kinds  # type: ignore[import-not-found]
        except ImportError:
            return {}
        return dict(load_kinds(self.search).kinds)

    @property
    def formulations_path(self) -> Path | None:
        """``formulations.yaml`` (user's first), once the templates ship one."""
        return self.find("formulations.yaml")

    def starter(self, kind: str, topic: str, file_hint: str = "简报.yaml") -> str:
        """``init``'s commented starter brief for one kind and topic of this library
        (defaults from ``starter.yaml``, the user's overriding the built-in one)."""
        from generator.starter import starter_brief

        return starter_brief(kind, topic, file_hint, library=self)

    # ------------------------------------------------------------ checks

    def validate(self, user_only: bool = False) -> None:
        """Refuse an empty library; check every pack and phrase file (only the user's
        with ``user_only``: built-in packs are checked when first loaded, and by tests).
        An unknown ``{token}`` is an error naming the file and item."""
        kinds, topics = self.kinds(), self.topics()
        if not kinds or not topics:
            where = "、".join(str(p) for p in self.search)
            raise TemplateError(f"模板库是空的：在 {where} 中找不到讲话类型模板（*.md.j2）或主题包（topics/*.yaml）。"
                                "请重新安装 speechgen，或检查 --templates 目录。")
        from generator.packs import check_phrase_file, load_pack

        problems: list[Problem] = []
        for topic in topics:
            path = self.find(f"topics/{topic}.yaml")
            if user_only and (self.user is None or path is None or not path.is_relative_to(self.user)):
                continue
            try:
                load_pack(self, topic)
            except TemplateError as exc:
                problems += exc.problems or [Problem(exc.message, str(path))]
        from generator.formulations import load_bank
        from generator.starter import read_starter_file

        for base in self.search:
            if user_only and base != self.user:
                continue
            for name, check in (("phrases.yaml", check_phrase_file), ("starter.yaml", read_starter_file),
                                ("formulations.yaml", lambda path: load_bank([path.parent])),  # 提法 (#12)
                                ("kinds.yaml", _check_kinds_file)):
                path = base / name
                if path.is_file():
                    try:
                        check(path)
                    except TemplateError as exc:
                        problems += exc.problems or [Problem(exc.message, str(path))]
        if problems:
            raise TemplateError("模板有误：", problems)
