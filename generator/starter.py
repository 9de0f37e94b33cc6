"""The commented starter brief written by ``speechgen init``.

Every key is explained in Chinese next to an example value; the file renders as
it is, so a new user goes from ``init`` to a draft in two commands.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.errors import BriefError, TemplateError

if TYPE_CHECKING:
    from generator.library import TemplateLibrary

STARTER = """\
# 讲话稿简报（由 speechgen init 生成）。改好后运行：speechgen render {file_hint} -o 讲话稿.docx
# 规则：讲话稿里的地名、日期、人名、数字都只来自这份简报；不填的可选项会整句省略，不会编造。
# 键名可以用英文或中文（如 kind 或 类型）。# 后面是注释，可删除。

kind: {kind}                 # 必填。讲话类型：{kinds}
topic: {topic}           # 必填。主题：{topics}

locality:                    # 必填。本地区
  name: 福海区               # 必填。名称，如 福海区、城关街道、靖安县
  level: 区                  # 必填。层级：市、区、县、街道、乡镇、社区（决定“全区”“区委、区政府”等说法）
  parent: 滨海市             # 可选。上级，用于“落实市委、市政府部署”的表述；不填则不提上级

meeting:                     # 必填。会议
  title: {meeting_title}     # 必填。会议名称，标题会写成“在……上的讲话”
  date: 2026-05-08           # 必填。会议日期，写成 年-月-日，稿中印为 2026年5月8日
  # place: 区行政中心一楼会议室   # 可选。会议地点
{host_block}
speaker:                     # 必填。讲话人
  title: {speaker_title}              # 必填。职务
  # name: 王明               # 可选。姓名，只出现在标题下方的署名中

# prior_speakers:            # 可选。会上先发言的同志，稿中写成“刚才，……同志……，讲得很好”
#   - {{name: 陈立, role: 区委常委、宣传部部长, did: 通报了前一阶段工作情况}}

achievements:                # 可选。成绩；不填则只用不含具体数字的笼统表述
  - title: 组织推进有力      # 每条成绩的小标题
    detail: 建立了区、街道、社区三级联动的工作机制   # 可选。具体做法
  - title: 环境面貌明显改善
    figures:                 # 可选。数据：指标、数值、单位、对比值（可选，用来写“同比增长”“提高几个百分点”）
      - {{label: 清运垃圾, value: 41500, unit: 吨}}              # 印为“清运垃圾4.15万吨”
      - {{label: 问题整改率, value: 97, unit: "%", baseline: 89}}  # 印为“问题整改率达到97%，同比提高8个百分点”

problems:                    # 可选。存在的问题；不填则从主题包的常见问题中选用
  - {{title: 发展还不够平衡, detail: 部分片区推进缓慢，存在等靠心理}}

measures:                    # 可选。下一步措施；不够时由主题包的标准措施补足
  - title: 突出专项整治
    points: [集中整治突出问题, 建立问题台账逐项销号]   # 要点，稿中写成“一是……；二是……”
    # owner: 区城管局        # 可选。牵头单位
    # deadline: 2026-06-30   # 可选。完成时限

# targets:                   # 可选。目标，字符串或 {{text, deadline}}
#   - 问题整改率稳定在较高水平
# deadline: 2026-07-10       # 可选。下一个节点日期（如迎检），稿中写“距7月10日只有两个多月”
length: {length}                   # 可选。讲话时长（分钟），按每分钟170字控制篇幅，默认15
# seed: 1                    # 可选。措辞随机种子；不填则按地区和会议自动确定，同一简报每次结果相同
"""

HOST_BLOCK = """\
  attendees:                 # 主持词用。出席人员
    - 区委、区政府领导班子成员
    - 各街道（乡镇）和区直有关部门主要负责同志
  agenda:                    # 主持词用。会议议程，稿中逐项串联
    - 观看工作专题片
    - 区委常委、宣传部部长陈立同志通报工作情况
    - 区委书记作讲话
"""

KIND_KEYS = {"suffix": str, "speaker": str, "length": int, "host": bool}
TOPIC_KEYS = {"meeting": str}


@dataclass(frozen=True)
class StarterDefaults:
    """What ``init`` fills in for one kind and topic (from starter.yaml)."""

    meeting_title: str
    speaker: str
    length: int
    host: bool


def read_starter_file(path: Path) -> dict[str, dict[str, dict[str, Any]]]:
    """One starter.yaml, checked: ``kinds`` and ``topics`` maps of known keys and types."""
    from generator.packs import load_yaml_resource

    data = load_yaml_resource(path) or {}
    if not isinstance(data, dict) or set(data) - {"kinds", "topics"}:
        raise TemplateError(f"{path} 应当只有 kinds 和 topics 两项。")
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for section, keys in (("kinds", KIND_KEYS), ("topics", TOPIC_KEYS)):
        entries = data.get(section) or {}
        if not isinstance(entries, dict):
            raise TemplateError(f"{path} 的 {section} 应当是键值对。")
        out[section] = {}
        for name, values in entries.items():
            if not isinstance(values, dict):
                raise TemplateError(f"{path} 的 {section}.{name} 应当是键值对。")
            for key, value in values.items():
                kind = keys.get(key)
                if kind is None:
                    raise TemplateError(f"{path} 的 {section}.{name} 有未知的键 {key}（可用：{'、'.join(keys)}）。")
                if not isinstance(value, kind) or (kind is int and (isinstance(value, bool) or not 1 <= value <= 120)):
                    raise TemplateError(f"{path} 的 {section}.{name}.{key} 取值不对：{value!r}。")
            out[section][str(name)] = values
    return out


def starter_defaults(library: TemplateLibrary, kind: str, topic: str) -> StarterDefaults:
    """starter.yaml layered like every template file (user's over built-in), with
    fallbacks for a user's own kind (its name ends the title) or topic (its pack's work)."""
    kinds: dict[str, dict[str, Any]] = {}
    topics: dict[str, dict[str, Any]] = {}
    for base in reversed(library.search):
        path = base / "starter.yaml"
        if path.is_file():
            data = read_starter_file(path)
            for name, values in data["kinds"].items():
                kinds[name] = {**kinds.get(name, {}), **values}
            for name, values in data["topics"].items():
                topics[name] = {**topics.get(name, {}), **values}
    k, t = kinds.get(kind, {}), topics.get(topic, {})
    meeting = t.get("meeting") or f"全区{library.pack(topic).get('work') or topic + '工作'}"
    return StarterDefaults(
        meeting_title=f"{meeting}{k.get('suffix', kind)}",
        speaker=k.get("speaker", "区委书记"),
        length=k.get("length", 15),
        host=k.get("host", False),
    )


def starter_brief(kind: str, topic: str, file_hint: str = "简报.yaml",
                  library: TemplateLibrary | None = None) -> str:
    """The starter brief for a kind and topic of ``library`` (built-in only when None)."""
    if library is None:
        from generator.library import TemplateLibrary

        library = TemplateLibrary()
    kinds, topics = library.kinds(), library.topics()
    if kind not in kinds:
        raise BriefError(f"不认识的讲话类型“{kind}”。可选：{'、'.join(kinds)}。")
    if topic not in topics:
        raise BriefError(f"不认识的主题“{topic}”。可选：{'、'.join(topics)}。")
    d = starter_defaults(library, kind, topic)
    return STARTER.format(
        kind=kind, topic=topic, meeting_title=d.meeting_title, speaker_title=d.speaker,
        host_block=HOST_BLOCK if d.host else "", length=d.length, file_hint=file_hint,
        kinds="、".join(kinds), topics="、".join(topics),
    )
