"""What kinds and topics exist, for ``speechgen list`` and error messages."""

from __future__ import annotations

from generator.library import TemplateLibrary


def describe_catalog(library: TemplateLibrary) -> str:
    lines = ["讲话类型（kind / 类型）："]
    for kind in library.kinds():
        lines.append(f"  {kind}\t{library.kind_note(kind)}")
    lines.append("")
    lines.append("主题（topic / 主题）：")
    for topic in library.topics():
        lines.append(f"  {topic}\t{library.topic_description(topic)}")
    return "\n".join(lines)
