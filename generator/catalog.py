"""What kinds and topics exist, for ``speechgen list`` and error messages."""

from __future__ import annotations

from generator.packs import TemplateDirs, load_pack

KIND_NOTES = {
    "推进会": "工作推进会上的主要领导讲话：肯定成绩、查摆问题、部署措施、加强领导。",
    "动员部署会": "动员部署会讲话：认清形势、统一思想，明确目标任务和责任。",
    "主持词": "会议主持人串词：开会、出席人员、议程串联、贯彻要求、散会。",
    "座谈发言": "座谈会、交流会上的单位发言：做法成效、存在问题、下步打算。",
    "总结部署会": "阶段总结暨部署会讲话：回顾成绩、分析形势、部署下一阶段任务。",
}


def describe_catalog(dirs: TemplateDirs) -> str:
    lines = ["讲话类型（kind / 类型）："]
    for kind in dirs.kinds():
        lines.append(f"  {kind}\t{KIND_NOTES.get(kind, '自定义讲话类型。')}")
    lines.append("")
    lines.append("主题（topic / 主题）：")
    for topic in dirs.topics():
        note = str(load_pack(dirs, topic).get("description", ""))
        lines.append(f"  {topic}\t{note}")
    return "\n".join(lines)
