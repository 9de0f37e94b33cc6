"""Briefs for the grid test, built in code: kind × topic × level × {rich, minimal, titles}.

A few seeds of data per topic and level make 450 briefs (5 × 5 × 6 × 3); none is a
file. Facts are made up and level-neutral (no 村 in a street's brief), like a real
secretary's brief for that locality.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from itertools import product

from generator.brief import (
    Achievement,
    Brief,
    Figure,
    Locality,
    Measure,
    Meeting,
    PriorSpeaker,
    ProblemItem,
    Speaker,
    Target,
)
from generator.wording import level_words

KINDS = ("推进会", "动员部署会", "总结部署会", "座谈发言", "主持词")
TOPICS = ("文明城市创建", "人居环境整治", "城市管理", "生态环境保护", "社区治理")
LEVELS = ("市", "区", "县", "街道", "乡镇", "社区")
RICHNESS = ("rich", "minimal", "titles")

# level: (locality, parent, twin locality for the two-district test, directive speaker, deputy)
PLACES = {
    "市": ("滨海市", "东江省", "临江市", "市委书记", "市委副书记"),
    "区": ("福海区", "滨海市", "立后区", "区委书记", "区委副书记"),
    "县": ("清溪县", "滨海市", "松溪县", "县长", "县委副书记"),
    "街道": ("东湖街道", "临川区", "西湖街道", "街道党工委书记", "街道办事处主任"),
    "乡镇": ("青石镇", "松溪县", "河口镇", "镇长", "镇党委副书记"),
    "社区": ("桂园社区", "东湖街道", "兰亭社区", "社区党委书记", "社区居委会主任"),
}
WORK = {"文明城市创建": "创建全国文明城市工作", "人居环境整治": "人居环境整治工作",
        "城市管理": "城市管理工作", "生态环境保护": "生态环境保护工作", "社区治理": "社区治理工作"}
MEETING = {"推进会": "推进会", "动员部署会": "动员部署会", "总结部署会": "总结表彰大会",
           "座谈发言": "座谈会", "主持词": "推进大会"}

# topic: (achievements, problems, measures, targets); every text level-neutral
SEEDS = {
    "文明城市创建": (
        [("组织推进有力", "建立了三级联动的责任机制", [("交办问题整改率", 97, "%", 89)]),
         ("环境面貌改善", "", [("清运垃圾", 41500, "吨", None)])],
        [("发展不够平衡", "部分片区推进缓慢，存在应付心理"), ("志愿服务参与不足", "")],
        [("突出专项整治", ["集中整治占道经营", "规范农贸市场秩序"], "城管执法部门", "2026-07-31"),
         ("深化志愿服务", ["组建文明引导志愿服务队"], "", None)],
        [("测评点位问题整改率达到95%以上", "2026-07-10")]),
    "人居环境整治": (
        [("垃圾收运更加规范", "新增分类投放点一批", [("生活垃圾无害化处理率", 100, "%", 96)]),
         ("绿化美化有了起色", "", [("新增绿地面积", 12.6, "万平方米", None)])],
        [("长效管护机制不健全", "部分点位整治后出现反弹"), ("群众参与程度不高", "")],
        [("推进垃圾分类", ["实现分类投放点全覆盖", "开展分类督导"], "环境卫生管理部门", "2026-12-31"),
         ("整治背街小巷", ["清理乱堆乱放"], "", None)],
        [("完成重点区域环境整治验收", "2026-06-30")]),
    "城市管理": (
        [("市容秩序明显好转", "集中整治占道经营", [("查处违规占道", 1260, "起", 980)]),
         ("数字城管运行顺畅", "", [("案件按期结案率", 96.5, "%", 92)])],
        [("违法建设存量较大", "部分老旧片区违建反复出现"), ("停车秩序比较混乱", "")],
        [("推行街长制", ["明确每条道路的街长", "建立街长巡查台账"], "城市管理部门", "2026-09-30"),
         ("规范非机动车停放", ["施划停放区域"], "", None)],
        [("主次干道占道经营动态清零", "2026-10-31")]),
    "生态环境保护": (
        [("空气质量持续改善", "", [("空气质量优良天数", 318, "天", 301)]),
         ("水环境质量稳中向好", "重点断面水质稳定达标", [("集中式饮用水水源地水质达标率", 100, "%", 100)])],
        [("扬尘管控不够到位", "部分工地围挡和洒水措施落实不严"), ("餐饮油烟投诉较多", "")],
        [("强化河道治理", ["落实河长巡河责任", "排查沿河排口"], "河长制办公室", "2026-11-30"),
         ("严控工地扬尘", ["落实六个百分之百要求"], "", None)],
        [("细颗粒物平均浓度控制在30微克每立方米以内", "2026-12-31")]),
    "社区治理": (
        [("网格化管理全面铺开", "配齐专兼职网格员", [("网格员", 126, "人", None)]),
         ("小区自治有了新起色", "", [("成立业主委员会", 9, "个", 4)])],
        [("社区工作者队伍不稳定", "待遇偏低，流失率较高"), ("居民参与意识不强", "")],
        [("推动物业服务全覆盖", ["实现无物业小区兜底管理全覆盖"], "", "2026-12-31"),
         ("建强社区工作者队伍", ["完善薪酬激励办法"], "组织办", None)],
        [("矛盾纠纷就地化解率达到90%以上", "2026-12-31")]),
}
MEETING_DAY = dt.date(2026, 5, 20)


def _day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def make_brief(kind: str, topic: str, level: str, richness: str, twin: bool = False) -> Brief:
    name, parent, twin_name, chief, deputy = PLACES[level]
    name = twin_name if twin else name
    words = level_words(level, name)
    if kind == "座谈发言":
        title = f"全{parent[-1] if parent[-1] != '道' else '街道'}{WORK[topic].removesuffix('工作')}{MEETING[kind]}"
    else:
        title = f"{words['全区']}{WORK[topic]}{MEETING[kind]}"
    speaker = Speaker(deputy if kind in ("座谈发言", "主持词") else chief, "" if richness == "minimal" else "周明")
    locality = Locality(name, level, "" if richness == "minimal" else parent)
    if richness == "minimal":
        return Brief(kind, topic, locality, Meeting(title, MEETING_DAY), speaker, length=8, seed=None)
    achievements, problems, measures, targets = SEEDS[topic]
    titles = richness == "titles"
    ach = tuple(Achievement(t, "" if titles else d,
                            () if titles else tuple(Figure(lb, v, u, b) for lb, v, u, b in figs))
                for t, d, figs in achievements)
    prob = tuple(ProblemItem(t, "" if titles else d) for t, d in problems)
    meas = tuple(Measure(t, () if titles else tuple(pts), "" if titles else owner,
                         None if titles else _day(dl)) for t, pts, owner, dl in measures)
    tgt = tuple(Target(t, None if titles else _day(dl)) for t, dl in targets)
    agenda = attendees = ()
    prior = ()
    if kind == "主持词":
        agenda = (f"{words['各部门']}主要负责同志汇报工作进展", f"{chief}作重要讲话")
        attendees = ("有关领导同志", f"{words['各部门']}主要负责同志")
    elif not titles:
        prior = (PriorSpeaker("陈立", "分管负责同志", "通报了前一阶段工作情况"),)
    deadline = None if titles else MEETING_DAY + dt.timedelta(days=50 if kind == "推进会" else 400)
    return Brief(kind, topic, locality, Meeting(title, MEETING_DAY, "", attendees, agenda), speaker,
                 prior, ach, prob, meas, tgt, deadline, length=12 if richness == "rich" else 8)


def grid() -> list[tuple[str, Brief]]:
    return [(f"{k}-{t}-{lv}-{r}", make_brief(k, t, lv, r)) for k, t, lv, r in product(KINDS, TOPICS, LEVELS, RICHNESS)]


def twin(brief: Brief, kind: str, topic: str, level: str, richness: str) -> Brief:
    """The same brief for the neighbouring district: only the name (hence the seed) differs."""
    other = make_brief(kind, topic, level, richness, twin=True)
    return replace(other, seed=None)
