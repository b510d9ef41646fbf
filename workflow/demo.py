"""The demo data of the embedded default (DESIGN §8): an aimag organisation tree, officials, filings.

``plan_demo`` draws everything random from one ``random.Random(seed)`` without touching the database,
so a seed always gives the same people, names and contents. ``load_demo`` writes the plan: organisations,
users, officials and positions in bulk, then every declaration is created and moved through
``workflow.services`` by the user who would take each step, so the revisions, public snapshots and the
hash-chained transition log are the real ones. The management commands only parse options and print.
"""

from __future__ import annotations

import copy
import datetime
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils import timezone

from declarations.content import sample_content
from declarations.models import (
    CompanyHolder,
    Declaration,
    DeclarationKind,
    DeclarationRevision,
    DeclarationState,
    DeclaredCompany,
    Nomination,
    NominationState,
    Official,
    Organisation,
    OrganisationKind,
    Position,
    PublicSnapshot,
)
from workflow import nominations, obligations, policies, referrals, services
from workflow.models import TransitionLog

S = DeclarationState
K = DeclarationKind

# --- The fixed demo logins ------------------------------------------------------------------------

DEMO_PASSWORD = "demo-password-2026"
ADMIN_USERNAME = "admin"
EBAT_USERNAME = "ebat"
EBAT_SOUM_USERNAME = "ebat.soum"
FILER_USERNAME = "filer"
SUPERVISOR_USERNAME = "supervisor"
OFFICIAL_USERNAME = "official"
HR_USERNAME = "hr"
AGENCY_USERNAME = "agency"

DEFAULT_OFFICIALS = 200
DEFAULT_SEED = 2026
BASE_URL = "http://127.0.0.1:8000"
DEMO_URL_PATHS = ("/", "/admin/", "/api/v1/schema/swagger-ui/")
EMAIL_DOMAIN = "dornogovi.example"

ROOT_CODE = "dornogovi"
EBAT_SOUM_CODE = "zamyn-uud"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role_en: str
    role_mn: str


DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin(ADMIN_USERNAME, "Administrator (superuser, /admin/)", "Системийн администратор"),
    DemoLogin(
        EBAT_USERNAME,
        "Authorised official (ЭБАТ) of the aimag governor's office and its whole subtree",
        "Аймгийн Засаг даргын Тамгын газрын эрх бүхий албан тушаалтан (бүх харьяа байгууллага)",
    ),
    DemoLogin(
        EBAT_SOUM_USERNAME,
        "Authorised official (ЭБАТ) of Zamyn-Üüd soum only",
        "Замын-Үүд сумын Засаг даргын Тамгын газрын эрх бүхий албан тушаалтан",
    ),
    DemoLogin(
        FILER_USERNAME,
        "Official with declarations in several states (one returned, one draft)",
        "Нийтийн албан тушаалтан: буцаагдсан, ноорог болон нийтлэгдсэн мэдүүлэгтэй",
    ),
    DemoLogin(
        SUPERVISOR_USERNAME,
        "Agency supervisor (IAAC): sees every declaration and nomination, assigns the agency's reviewers, "
        "withdraws publications",
        "Авлигатай тэмцэх газрын хянагч: бүх мэдүүлэг, нэр дэвшүүлэлтийг харах, шалгагч хуваарилах, нийтлэлийг цуцлах",
    ),
    DemoLogin(
        OFFICIAL_USERNAME,
        "Official with a single draft declaration",
        "Нийтийн албан тушаалтан: зөвхөн ноорог мэдүүлэгтэй",
    ),
    DemoLogin(
        HR_USERNAME,
        "HR officer of the aimag governor's office: registers nominees, records an appointment once the agency "
        "has concluded on the nominee's preliminary declaration (ХАСУМ)",
        "Аймгийн Засаг даргын Тамгын газрын хүний нөөцийн ажилтан: нэр дэвшигч бүртгэх, АТГ-ын дүгнэлт гарсны "
        "дараа томилгоо бүртгэх",
    ),
    DemoLogin(
        AGENCY_USERNAME,
        "Agency (IAAC) reviewer: reviews and concludes the preliminary declarations (ХАСУМ) and referred filings "
        "assigned to them",
        "Авлигатай тэмцэх газрын шалгагч: хуваарилагдсан ХАСУМ болон шилжүүлсэн мэдүүлгийг хянаж дүгнэлт гаргах",
    ),
)
DEMO_USERNAMES: tuple[str, ...] = tuple(login.username for login in DEMO_LOGINS)

# --- The organisation tree ------------------------------------------------------------------------


@dataclass(frozen=True)
class OrgSpec:
    code: str
    name: str
    name_en: str
    kind: str
    parent: str | None
    weight: int  # how many officials it gets, relatively


_GO = OrganisationKind.GOVERNOR_OFFICE
_DEP = OrganisationKind.DEPARTMENT
_AG = OrganisationKind.AGENCY
_SOUM = OrganisationKind.SOUM_OFFICE

ORGANISATIONS: tuple[OrgSpec, ...] = (
    OrgSpec(
        ROOT_CODE, "Дорноговь аймгийн Засаг даргын Тамгын газар", "Dornogovi Aimag Governor's Office", _GO, None, 3
    ),
    OrgSpec("dornogovi-legal", "Хууль эрх зүйн хэлтэс", "Legal Department", _DEP, ROOT_CODE, 2),
    OrgSpec(
        "dornogovi-finance", "Санхүү, төрийн сангийн хэлтэс", "Finance and Treasury Department", _DEP, ROOT_CODE, 2
    ),
    OrgSpec(
        "dornogovi-policy",
        "Хөгжлийн бодлого, төлөвлөлтийн хэлтэс",
        "Development Policy and Planning Department",
        _DEP,
        ROOT_CODE,
        2,
    ),
    OrgSpec(
        "dornogovi-investment",
        "Хөрөнгө оруулалт, худалдан авах ажиллагааны хэлтэс",
        "Investment and Procurement Department",
        _DEP,
        ROOT_CODE,
        2,
    ),
    OrgSpec("dornogovi-admin", "Захиргааны хэлтэс", "Administration Department", _DEP, ROOT_CODE, 2),
    OrgSpec("dornogovi-education", "Боловсролын газар", "Education Agency", _AG, ROOT_CODE, 3),
    OrgSpec("dornogovi-health", "Эрүүл мэндийн газар", "Health Agency", _AG, ROOT_CODE, 3),
    OrgSpec(
        "dornogovi-land",
        "Газрын харилцаа, барилга, хот байгуулалтын газар",
        "Land Relations, Construction and Urban Development Agency",
        _AG,
        ROOT_CODE,
        3,
    ),
    OrgSpec(
        "dornogovi-welfare",
        "Хөдөлмөр, халамжийн үйлчилгээний газар",
        "Labour and Welfare Services Agency",
        _AG,
        ROOT_CODE,
        2,
    ),
    OrgSpec(
        "dornogovi-environment",
        "Байгаль орчин, аялал жуулчлалын газар",
        "Environment and Tourism Agency",
        _AG,
        ROOT_CODE,
        2,
    ),
    OrgSpec(
        "sainshand", "Сайншанд сумын Засаг даргын Тамгын газар", "Sainshand Soum Governor's Office", _SOUM, ROOT_CODE, 4
    ),
    OrgSpec(
        EBAT_SOUM_CODE,
        "Замын-Үүд сумын Засаг даргын Тамгын газар",
        "Zamyn-Üüd Soum Governor's Office",
        _SOUM,
        ROOT_CODE,
        3,
    ),
    OrgSpec(
        "dalanjargalan",
        "Даланжаргалан сумын Засаг даргын Тамгын газар",
        "Dalanjargalan Soum Governor's Office",
        _SOUM,
        ROOT_CODE,
        2,
    ),
    OrgSpec(
        "khatanbulag",
        "Хатанбулаг сумын Засаг даргын Тамгын газар",
        "Khatanbulag Soum Governor's Office",
        _SOUM,
        ROOT_CODE,
        2,
    ),
    OrgSpec("erdene", "Эрдэнэ сумын Засаг даргын Тамгын газар", "Erdene Soum Governor's Office", _SOUM, ROOT_CODE, 2),
    OrgSpec("airag", "Айраг сумын Засаг даргын Тамгын газар", "Airag Soum Governor's Office", _SOUM, ROOT_CODE, 2),
)
_ORG_BY_CODE = {spec.code: spec for spec in ORGANISATIONS}
SOUM_NAMES = ("Сайншанд", "Замын-Үүд", "Даланжаргалан", "Хатанбулаг", "Эрдэнэ", "Айраг")

# Head of each kind of organisation, then the other titles: (title, weight, declaration required).
HEAD_TITLES: dict[str, str] = {
    _GO: "Тамгын газрын дарга",
    _DEP: "Хэлтсийн дарга",
    _AG: "Дарга",
    _SOUM: "Тамгын газрын дарга",
}
TITLES: dict[str, tuple[tuple[str, int, bool], ...]] = {
    _GO: (
        ("Ахлах мэргэжилтэн", 25, True),
        ("Мэргэжилтэн", 35, True),
        ("Хуулийн зөвлөх", 5, True),
        ("Нягтлан бодогч", 8, True),
        ("Туслах ажилтан", 4, False),
        ("Жолооч", 4, False),
    ),
    _DEP: (
        ("Ахлах мэргэжилтэн", 25, True),
        ("Мэргэжилтэн", 40, True),
        ("Нягтлан бодогч", 10, True),
        ("Ерөнхий нягтлан бодогч", 3, True),
        ("Архив, бичиг хэргийн ажилтан", 4, False),
    ),
    _AG: (
        ("Орлогч дарга", 4, True),
        ("Ахлах мэргэжилтэн", 20, True),
        ("Мэргэжилтэн", 35, True),
        ("Улсын байцаагч", 12, True),
        ("Нягтлан бодогч", 8, True),
        ("Жолооч", 4, False),
    ),
    _SOUM: (
        ("Засаг даргын орлогч", 3, True),
        ("Мэргэжилтэн", 35, True),
        ("Нийгмийн ажилтан", 8, True),
        ("Газрын даамал", 8, True),
        ("Нягтлан бодогч", 8, True),
        ("Жолооч", 4, False),
        ("Үйлчлэгч", 3, False),
    ),
}

# --- Names ------------------------------------------------------------------------------------------

# Male given names with their genitive form (a child's patronymic).
MALE_NAMES: tuple[tuple[str, str], ...] = (
    ("Тэмүүжин", "Тэмүүжингийн"),
    ("Батзориг", "Батзоригийн"),
    ("Ганбаатар", "Ганбаатарын"),
    ("Төгөлдөр", "Төгөлдөрийн"),
    ("Билгүүн", "Билгүүний"),
    ("Тэнгис", "Тэнгисийн"),
    ("Амарсанаа", "Амарсанаагийн"),
    ("Бат-Очир", "Бат-Очирын"),
    ("Ганхуяг", "Ганхуягийн"),
    ("Түвшинбаяр", "Түвшинбаярын"),
    ("Мөнхбаяр", "Мөнхбаярын"),
    ("Эрдэнэбат", "Эрдэнэбатын"),
    ("Сүхбат", "Сүхбатын"),
    ("Очирбат", "Очирбатын"),
    ("Баттулга", "Баттулгын"),
    ("Дөлгөөн", "Дөлгөөний"),
    ("Энхбаяр", "Энхбаярын"),
    ("Пүрэвсүрэн", "Пүрэвсүрэнгийн"),
    ("Батбаяр", "Батбаярын"),
    ("Ганзориг", "Ганзоригийн"),
    ("Жавхлан", "Жавхлангийн"),
    ("Цогтбаяр", "Цогтбаярын"),
    ("Болдбаатар", "Болдбаатарын"),
    ("Нямдорж", "Нямдоржийн"),
    ("Гантулга", "Гантулгын"),
    ("Хишигт", "Хишигтийн"),
    ("Энхтөр", "Энхтөрийн"),
    ("Мөнх-Эрдэнэ", "Мөнх-Эрдэнийн"),
)
FEMALE_NAMES: tuple[str, ...] = (
    "Анужин",
    "Сарангэрэл",
    "Болормаа",
    "Оюунчимэг",
    "Энхжаргал",
    "Мөнхзул",
    "Нарантуяа",
    "Хулан",
    "Номин",
    "Ариунаа",
    "Уянга",
    "Баярмаа",
    "Цэцэгмаа",
    "Одгэрэл",
    "Эрдэнэчимэг",
    "Энхтуяа",
    "Хонгорзул",
    "Алтанцэцэг",
    "Гэрэлмаа",
    "Ундрах",
    "Дэлгэрмаа",
    "Солонго",
    "Мягмарсүрэн",
    "Оюунбилэг",
    "Хүслэн",
    "Маргад",
    "Золзаяа",
)
# Fathers' names as they stand in a full name (genitive).
PATRONYMICS: tuple[str, ...] = (
    "Батбаярын",
    "Ганболдын",
    "Должинсүрэнгийн",
    "Энхтөрийн",
    "Мөнхбатын",
    "Цэрэндоржийн",
    "Болдын",
    "Сүхбаатарын",
    "Дашдоржийн",
    "Гантулгын",
    "Нямдоржийн",
    "Батсүхийн",
    "Лхагвасүрэнгийн",
    "Пүрэвдоржийн",
    "Эрдэнэбатын",
    "Отгонбаярын",
    "Ганзоригийн",
    "Төмөрбаатарын",
    "Жаргалсайханы",
    "Баярсайханы",
    "Энхбаярын",
    "Очирбатын",
    "Түмэнбаярын",
    "Батмөнхийн",
    "Дорждагвын",
    "Нацагдоржийн",
    "Цогтын",
    "Бямбадоржийн",
    "Алтанхуягийн",
    "Баасанжавын",
    "Ганхуягийн",
    "Чимэддоржийн",
    "Хүрэлбаатарын",
    "Пүрэвжавын",
    "Дамдинсүрэнгийн",
    "Шагдарсүрэнгийн",
    "Гомбожавын",
)
# First letters of person registration numbers (the place of first registration).
REGISTER_PREFIXES: tuple[str, ...] = ("ДО", "ДА", "ДЕ", "УБ", "УЕ", "УЗ", "УП", "ЧО", "ГО", "ХО", "ЖИ", "ФА")

_TRANSLIT = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "ye", "ё": "yo", "ж": "j", "з": "z", "и": "i",
    "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "ө": "u", "п": "p", "р": "r", "с": "s",
    "т": "t", "у": "u", "ү": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sh", "ъ": "",
    "ы": "y", "ь": "i", "э": "e", "ю": "yu", "я": "ya",
}  # fmt: skip


def transliterate(text: str) -> str:
    """A Latin spelling of a Mongolian Cyrillic name for a username: ``Мөнх-Эрдэнэ`` → ``munkherdene``."""
    return "".join(_TRANSLIT.get(char, char if char.isascii() and char.isalnum() else "") for char in text.lower())


# --- Companies ------------------------------------------------------------------------------------

COMPANIES: tuple[tuple[str, str], ...] = (
    ("Говь-Алт ХХК", "2345678"),
    ("Замын-Үүд Логистик ХХК", "5312046"),
    ("Дорнын Говь ХХК", "2870153"),
    ("Сайншанд Барилга ХХК", "5094417"),
    ("Их Говийн Зам ХХК", "6120385"),
    ("Тод Ирээдүй ХХК", "5561902"),
    ("Номин Хангай ХХК", "2718864"),
    ("Эрдэнэ Ундраа ХХК", "6034129"),
    ("Шинэ Өртөө ХХК", "5487320"),
    ("Говийн Элс ХХК", "2963051"),
    ("Алтан Тариа ХХК", "5220718"),
    ("Мөнх Ус ХХК", "6309842"),
    ("Цагаан Суварга ХХК", "2604597"),
    ("Хөх Тэнгэр Аялал ХХК", "5873016"),
    ("Дорноговь Эм Хангамж ХХК", "6457281"),
    ("Оюут Сургалтын Төв ХХК", "5749603"),
    ("Сарнай Эм Хангамж ХХК", "5123456"),
    ("Улаанбадрах Түлш ХХК", "6681430"),
    ("Өргөн Тал Мах ХХК", "2485179"),
    ("Их Наран Худалдаа ХХК", "5906247"),
)
SECURITIES: tuple[tuple[str, str], ...] = (("АПУ ХК", "2081911"), ("Эрдэнэс Таван Толгой ХК", "5284465"))
BANKS = ("Хаан банк", "Голомт банк", "Худалдаа хөгжлийн банк", "Төрийн банк", "Хас банк")
VEHICLES = (
    ("Toyota", "Prius 41"),
    ("Toyota", "Prius 30"),
    ("Toyota", "Land Cruiser 200"),
    ("Hyundai", "Sonata"),
    ("Hyundai", "Porter"),
    ("Lexus", "RX 450h"),
    ("Nissan", "X-Trail"),
)
OCCUPATIONS = ("Эмч", "Багш", "Нягтлан бодогч", "Инженер", "Хувиараа хөдөлмөр эрхлэгч", "Жолооч", "Худалдаа эрхлэгч")

RETURN_REASONS: tuple[tuple[str, str, str], ...] = (
    ("Үл хөдлөх хөрөнгийн үнэлгээг шалгана уу.", "real_estate[0].value_mnt", "Зах зээлийн үнэлгээнээс хэт бага."),
    (
        "Цалингийн орлогын дүн цалингийн тодорхойлолттой зөрж байна.",
        "income[0].amount_mnt",
        "Тодорхойлолтоор шалгана уу.",
    ),
    ("Банкны дансны үлдэгдлийг оны эцсийн байдлаар бичнэ үү.", "bank_accounts[0].balance", "Оны эцсийн үлдэгдэл биш."),
    ("Гэр бүлийн гишүүдийн мэдээлэл дутуу байна.", "family_members", "Хамтран амьдрагчийн мэдээллийг нэмнэ үү."),
)
WITHDRAWAL_REASONS = (
    "Шүүхийн шийдвэрээр нийтлэлийг хаасан.",
    "Гуравдагч этгээдийн хувийн мэдээлэл алдаатай нийтлэгдсэн тул түр хаав.",
)
ACCEPT_COMMENTS = ("", "", "Мэдүүлэг бүрэн, зөрчилгүй.", "Хугацаандаа ирүүлсэн.")
REFERRAL_REASON = "Хөрөнгийн өсөлтийг мэдүүлсэн орлогоор тайлбарлах боломжгүй тул шалгуулахаар шилжүүлэв."
# The agency's finding on the referred significant-change declaration: a violation, so it stays unpublished.
REFERRAL_CONCLUSION: dict[str, str] = {
    "finding": "violation_found",
    "legal_article": "Авлигын эсрэг хууль, 10.5",
    "reasoning": "Шинээр олж авсан үл хөдлөх хөрөнгийн эх үүсвэрийг мэдүүлээгүй.",
    "internal_notes": "Газрын албанаас лавлагаа авсан.",
}
# The nominations the HR officer registered in the aimag governor's office: (post, where its ХАСУМ ends).
NOMINATIONS: tuple[tuple[str, str], ...] = (
    ("Тамгын газрын даргын орлогч", S.SUBMITTED),  # submitted, assigned to the agency reviewer
    ("Санхүүгийн хяналт, аудитын ахлах мэргэжилтэн", S.PUBLISHED),  # concluded and published
)
NOMINEE_EMPLOYERS = ("«Говийн тэмүүлэл» ХХК", "Дорноговь аймгийн ИТХ", "Төрийн банк", "«Замын-Үүд Логистик» ХХК")
PRELIMINARY_CONCLUSION: dict[str, str] = {
    "finding": "no_obstacle",
    "legal_article": "Нийтийн албанд нийтийн болон хувийн ашиг сонирхлыг зохицуулах тухай хууль, 18.3",
    "reasoning": "Нэр дэвшигчийн мэдүүлсэн хувийн ашиг сонирхол томилгоонд саад болохгүй.",
    "internal_notes": "Татварын мэдээлэлтэй тулгасан.",
}

# --- The plan ---------------------------------------------------------------------------------------


@dataclass
class PlannedDeclaration:
    kind: str
    year: int
    state: str  # the state it ends in
    content: dict[str, Any]
    resubmitted: bool = False  # returned once and resubmitted on the way
    return_reason: tuple[str, str, str] = RETURN_REASONS[0]
    accept_comment: str = ""
    withdrawal_reason: str = WITHDRAWAL_REASONS[0]
    correction: PlannedDeclaration | None = None  # a correction of this one (which must end published/accepted)


@dataclass
class PlannedPerson:
    username: str
    given_name: str
    patronymic: str
    male: bool
    register_number: str
    birth_date: datetime.date
    org_code: str
    title: str
    declaration_required: bool
    start_date: datetime.date
    reviews: str | None = None  # the organisation whose ЭБАТ this person is
    previous_org_code: str | None = None  # an ended position held before
    declarations: list[PlannedDeclaration] = field(default_factory=list)
    family: list[dict[str, Any]] = field(default_factory=list)
    holdings: list[tuple[str, str]] = field(default_factory=list)

    @property
    def full_name(self) -> str:
        return f"{self.patronymic} {self.given_name}"

    @property
    def email(self) -> str:
        return f"{self.username}@{EMAIL_DOMAIN}"


@dataclass
class PlannedNomination:
    """A person the HR officer nominates; they are not an official yet (no position until appointed)."""

    person: PlannedPerson
    title: str
    state: str  # where the preliminary declaration ends: submitted (assigned to the agency) or published
    content: dict[str, Any]


@dataclass
class DemoPlan:
    seed: int
    people: list[PlannedPerson]
    supervisor_name: tuple[str, str]
    agency_name: tuple[str, str] = ("", "")
    nominations: list[PlannedNomination] = field(default_factory=list)


# Pinned people: the fixed logins and the scenarios that must exist even in a small demo.
# (username or None, organisation, title, ЭБАТ of, scenario)
_PINNED: tuple[tuple[str | None, str, str, str | None, str], ...] = (
    (EBAT_USERNAME, ROOT_CODE, "Ахлах мэргэжилтэн (ЭБАТ)", ROOT_CODE, "ebat"),
    (None, ROOT_CODE, "Хууль зүйн ахлах мэргэжилтэн (ЭБАТ)", ROOT_CODE, "ebat2"),
    (EBAT_SOUM_USERNAME, EBAT_SOUM_CODE, "Мэргэжилтэн (ЭБАТ)", EBAT_SOUM_CODE, "ebat_soum"),
    (FILER_USERNAME, "dornogovi-finance", "Нягтлан бодогч", None, "filer"),
    (OFFICIAL_USERNAME, "sainshand", "Мэргэжилтэн", None, "official"),
    (None, "dornogovi-education", "Ахлах мэргэжилтэн (ЭБАТ)", "dornogovi-education", "sub_ebat"),
    (None, "dornogovi-health", "Ахлах мэргэжилтэн (ЭБАТ)", "dornogovi-health", "sub_ebat"),
    (None, "sainshand", "Ахлах мэргэжилтэн (ЭБАТ)", "sainshand", "sub_ebat"),
    (None, EBAT_SOUM_CODE, "Газрын даамал", None, "queued"),
    (None, EBAT_SOUM_CODE, "Нягтлан бодогч", None, "in_review"),
    (None, "dornogovi-land", "Ахлах мэргэжилтэн", None, "corrected"),
    (None, "dornogovi-investment", "Хэлтсийн дарга", None, "withdrawn"),
    (None, "dornogovi-education", "Мэргэжилтэн", None, "discarded_then_filed"),
    (None, "dornogovi-education", "Улсын байцаагч", None, "resubmitted"),
    (None, "dornogovi-health", "Орлогч дарга", None, "appointed"),
    (None, "dornogovi-welfare", "Мэргэжилтэн", None, "significant_change"),
    (None, "dornogovi-legal", "Жолооч", None, "not_required"),
    (HR_USERNAME, ROOT_CODE, "Хүний нөөцийн ахлах мэргэжилтэн", None, "hr"),
)
MIN_OFFICIALS = len(_PINNED)


class _Planner:
    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.register_numbers: set[str] = set()
        self.usernames: set[str] = set(DEMO_USERNAMES)
        self.full_names: set[tuple[str, str]] = set()

    # People -----------------------------------------------------------------------------------------

    def register_number(self, birth: datetime.date, male: bool) -> str:
        """Two letters, then YYMMDD of birth (month + 20 from 2000), then two digits, odd for men."""
        month = birth.month + (20 if birth.year >= 2000 else 0)
        while True:
            serial = self.rng.randrange(0, 100, 2) + (1 if male else 0)
            number = f"{self.rng.choice(REGISTER_PREFIXES)}{birth.year % 100:02d}{month:02d}{birth.day:02d}{serial:02d}"
            if number not in self.register_numbers:
                self.register_numbers.add(number)
                return number

    def date_in(self, first_year: int, last_year: int) -> datetime.date:
        return datetime.date(self.rng.randint(first_year, last_year), self.rng.randint(1, 12), self.rng.randint(1, 28))

    def username(self, given: str, patronymic: str) -> str:
        base = f"{transliterate(given)}.{transliterate(patronymic)[:1]}"
        candidate, suffix = base, 1
        while candidate in self.usernames:
            suffix += 1
            candidate = f"{base}{suffix}"
        self.usernames.add(candidate)
        return candidate

    def name(self) -> tuple[str, str, bool]:
        """A given name and a father's name; full names repeat in life, but not in the demo's lists."""
        for _attempt in range(50):
            male = self.rng.random() < 0.5
            given = self.rng.choice(MALE_NAMES)[0] if male else self.rng.choice(FEMALE_NAMES)
            patronymic = self.rng.choice(PATRONYMICS)
            if (patronymic, given) not in self.full_names:
                break
        self.full_names.add((patronymic, given))
        return given, patronymic, male

    def person(
        self,
        *,
        username: str | None,
        org_code: str,
        title: str,
        required: bool,
        start_year: int | None = None,
        reviews: str | None = None,
        family_company: bool | None = None,
        pinned: bool = False,
    ) -> PlannedPerson:
        given, patronymic, male = self.name()
        birth = self.date_in(1965, 1998)
        person = PlannedPerson(
            username=username or self.username(given, patronymic),
            given_name=given,
            patronymic=patronymic,
            male=male,
            register_number=self.register_number(birth, male),
            birth_date=birth,
            org_code=org_code,
            title=title,
            declaration_required=required,
            start_date=self.start_date(birth, start_year, pinned=pinned),
            reviews=reviews,
        )
        if not pinned and self.rng.random() < 0.06:
            others = [spec.code for spec in ORGANISATIONS if spec.code != org_code]
            person.previous_org_code = self.rng.choice(others)
        person.holdings = self.rng.sample(COMPANIES, k=self.rng.choices((0, 1, 2), weights=(50, 35, 15))[0])
        person.family = self.family(person, family_company)
        return person

    def start_date(self, birth: datetime.date, year: int | None, *, pinned: bool) -> datetime.date:
        """Mostly years ago; a few officials were appointed in 2024 or 2025 (pinned ones only if told)."""
        if year is not None:
            return self.date_in(year, year)
        roll = 1.0 if pinned else self.rng.random()
        if roll < 0.05:
            return self.date_in(2025, 2025)
        if roll < 0.11:
            return self.date_in(2024, 2024)
        return self.date_in(max(birth.year + 22, 2006), 2023)

    def family(self, person: PlannedPerson, company: bool | None) -> list[dict[str, Any]]:
        rng = self.rng
        members: list[dict[str, Any]] = []
        spouse_male = not person.male
        has_spouse = company or rng.random() < 0.75
        spouse_given = ""
        if has_spouse:
            spouse_given = rng.choice(MALE_NAMES)[0] if spouse_male else rng.choice(FEMALE_NAMES)
            birth = person.birth_date + datetime.timedelta(days=rng.randint(-2500, 2500))
            with_company = company if company is not None else rng.random() < 0.3
            companies = []
            if with_company:
                name, number = rng.choice(COMPANIES)
                companies.append(
                    {
                        "company_name": name,
                        "company_register_number": number,
                        "share_percent": rng.choice(("100.00", "51.00", "50.00", "30.00")),
                    }
                )
            members.append(
                {
                    "full_name": f"{rng.choice(PATRONYMICS)} {spouse_given}",
                    "register_number": self.register_number(birth, spouse_male),
                    "relationship": "spouse",
                    "birth_date": birth.isoformat(),
                    "occupation": rng.choice(OCCUPATIONS),
                    "income_mnt": _money(rng.randint(60, 400) * 100_000),
                    "assets_total_mnt": _money(rng.randint(10, 600) * 1_000_000),
                    "companies": companies,
                }
            )
        father_given = person.given_name if person.male else spouse_given
        father_genitive = dict(MALE_NAMES).get(father_given, person.patronymic)
        first_child_year = max(person.birth_date.year + 22, 1990)
        for _ in range(rng.choices((0, 1, 2, 3), weights=(20, 35, 35, 10))[0] if has_spouse else 0):
            if first_child_year > 2022:
                break
            child_male = rng.random() < 0.5
            birth = self.date_in(first_child_year, min(first_child_year + 14, 2022))
            child_given = rng.choice(MALE_NAMES)[0] if child_male else rng.choice(FEMALE_NAMES)
            child: dict[str, Any] = {
                "full_name": f"{father_genitive} {child_given}",
                "register_number": self.register_number(birth, child_male),
                "relationship": "child",
                "birth_date": birth.isoformat(),
                "companies": [],
            }
            if birth.year <= 2003:
                child["occupation"] = rng.choice(OCCUPATIONS)
            members.append(child)
        return members

    # Contents -----------------------------------------------------------------------------------------

    def content(self, person: PlannedPerson, year: int) -> dict[str, Any]:
        """A complete, valid 2023-form content for the person's filing about ``year``."""
        rng = self.rng
        content = sample_content(
            full_name=person.full_name, register_number=person.register_number, companies=person.holdings
        )
        org = _ORG_BY_CODE[person.org_code]
        soum = rng.choice(SOUM_NAMES)
        content["personal"].update(
            birth_date=person.birth_date.isoformat(),
            address=f"Дорноговь аймаг, {soum} сум, {rng.randint(1, 9)}-р баг, {rng.randint(1, 40)}-р байр",
            phone=f"{rng.choice((99, 88, 95, 80, 94))}{rng.randint(100000, 999999)}",
            email=person.email,
        )
        for row in content["business_interests"]:
            row["role"] = rng.choice(("shareholder", "shareholder", "founder", "director"))
            row["share_percent"] = rng.choice(("10.00", "25.00", "33.30", "50.00", "100.00"))
            row["acquired_on"] = self.date_in(2008, 2023).isoformat()
        content["positions"] = [
            {"organisation": org.name, "title": person.title, "start_date": person.start_date.isoformat()}
        ]
        if person.previous_org_code or rng.random() < 0.4:
            previous = _ORG_BY_CODE[person.previous_org_code] if person.previous_org_code else None
            end = person.start_date - datetime.timedelta(days=1)
            content["positions"].append(
                {
                    "organisation": previous.name if previous else rng.choice(("Төрийн банк", "Дорноговь аймгийн ИТХ")),
                    "title": "Мэргэжилтэн",
                    "start_date": (end - datetime.timedelta(days=rng.randint(400, 3000))).isoformat(),
                    "end_date": end.isoformat(),
                }
            )
        area = rng.randint(38, 96)
        content["real_estate"] = [
            {
                "kind": "apartment",
                "address": f"Дорноговь аймаг, {soum} сум, {rng.randint(1, 9)}-р баг, "
                f"{rng.randint(1, 40)}-р байр {rng.randint(1, 80)} тоот",
                "area_m2": f"{area}.{rng.choice(('00', '50'))}",
                "value_mnt": _money(area * rng.randint(25, 42) * 100_000),
                "acquired_on": self.date_in(2008, 2023).isoformat(),
            }
        ]
        if rng.random() < 0.4:
            content["real_estate"].append(
                {
                    "kind": rng.choice(("land", "house")),
                    "address": f"Дорноговь аймаг, {rng.choice(SOUM_NAMES)} сум, {rng.randint(1, 6)}-р баг",
                    "parcel_number": f"{rng.randint(1000000000, 1999999999)}",
                    "area_m2": f"{rng.randint(3, 10) * 100}.00",
                    "value_mnt": _money(rng.randint(8, 90) * 1_000_000),
                    "acquired_on": self.date_in(2005, 2023).isoformat(),
                }
            )
        content["vehicles"] = [
            {
                "make": make,
                "model": model,
                "year": rng.randint(2008, 2022),
                "plate_number": f"{rng.randint(1000, 9999)}ДО{rng.choice('АБВГЕ')}",
                "value_mnt": _money(rng.randint(12, 180) * 1_000_000),
            }
            for make, model in rng.sample(VEHICLES, k=rng.choices((0, 1, 2), weights=(25, 60, 15))[0])
        ]
        balance = rng.randint(5, 400) * 100_000
        content["bank_accounts"] = [
            {
                "bank_name": rng.choice(BANKS),
                "account_number": f"{rng.randint(5000000000, 5999999999)}",
                "currency": "MNT",
                "balance": _money(balance),
                "balance_mnt": _money(balance),
            }
        ]
        if rng.random() < 0.25:
            usd = rng.randint(5, 120) * 100
            content["bank_accounts"].append(
                {
                    "bank_name": rng.choice(BANKS),
                    "account_number": f"{rng.randint(1100000000, 1199999999)}",
                    "currency": "USD",
                    "balance": _money(usd),
                    "balance_mnt": _money(usd * 3400),
                }
            )
        content["securities"] = [
            {
                "issuer": issuer,
                "issuer_register_number": number,
                "kind": "shares",
                "quantity": rng.randint(1, 30) * 100,
                "value_mnt": _money(rng.randint(2, 60) * 100_000),
            }
            for issuer, number in SECURITIES
            if rng.random() < 0.3
        ]
        salary = rng.randint(12, 40) * 1_200_000 + (year - 2024) * 1_200_000
        content["income"] = [{"source": org.name, "kind": "salary", "amount_mnt": _money(salary)}]
        if rng.random() < 0.2:
            content["income"].append(
                {"source": "Орон сууцны түрээс", "kind": "rental", "amount_mnt": _money(rng.randint(3, 12) * 600_000)}
            )
        if rng.random() < 0.5:
            amount = rng.randint(20, 120) * 1_000_000
            taken = self.date_in(2015, 2023)
            content["loans"] = [
                {
                    "lender": rng.choice(BANKS),
                    "currency": "MNT",
                    "amount": _money(amount),
                    "amount_mnt": _money(amount),
                    "outstanding_mnt": _money(amount * rng.randint(20, 90) // 100),
                    "taken_on": taken.isoformat(),
                    "due_on": taken.replace(year=taken.year + rng.choice((10, 15, 20))).isoformat(),
                }
            ]
        else:
            content["loans"] = []
        if rng.random() >= 0.15:
            content["gifts"] = []
        content["family_members"] = copy.deepcopy(person.family)
        return content

    # Declarations -----------------------------------------------------------------------------------

    def declaration(
        self, person: PlannedPerson, kind: str, year: int, state: str, *, incomplete: bool | None = None, **extra: Any
    ) -> PlannedDeclaration:
        """A planned filing; a draft is often still half filled in (autosave accepts that, submission does not)."""
        content = self.content(person, year)
        if state == S.DRAFT and (incomplete if incomplete is not None else self.rng.random() < 0.5):
            personal = content["personal"]
            content["personal"] = {key: personal[key] for key in ("full_name", "register_number", "email")}
            content["income"] = []
        details: dict[str, Any] = {
            "return_reason": self.rng.choice(RETURN_REASONS),
            "accept_comment": self.rng.choice(ACCEPT_COMMENTS),
            "withdrawal_reason": self.rng.choice(WITHDRAWAL_REASONS),
        }
        details.update(extra)
        return PlannedDeclaration(kind=kind, year=year, state=state, content=content, **details)

    def correction(self, person: PlannedPerson, original: PlannedDeclaration, state: str) -> PlannedDeclaration:
        """A correction that adds a forgotten company and revalues the apartment."""
        content = copy.deepcopy(original.content)
        forgotten = next(c for c in COMPANIES if c not in person.holdings)
        content["business_interests"].append(
            {
                "company_name": forgotten[0],
                "company_register_number": forgotten[1],
                "role": "shareholder",
                "share_percent": "20.00",
                "acquired_on": "2019-06-14",
            }
        )
        content["real_estate"][0]["value_mnt"] = _money(int(float(content["real_estate"][0]["value_mnt"]) * 1.2))
        return PlannedDeclaration(kind=original.kind, year=original.year, state=state, content=content)

    def scenario(self, person: PlannedPerson, name: str) -> list[PlannedDeclaration]:
        """The declarations of a pinned scenario, in the order they are created."""
        annual = partial_declaration(self, person, K.ANNUAL)
        if name in ("ebat", "ebat2", "ebat_soum"):
            return [annual(2024, S.PUBLISHED), annual(2025, S.SUBMITTED if name == "ebat" else S.ACCEPTED)]
        if name == "filer":
            return [
                annual(2024, S.PUBLISHED),
                annual(2025, S.RETURNED, return_reason=RETURN_REASONS[0]),
                self.declaration(person, K.SIGNIFICANT_CHANGE, 2024, S.DISCARDED),
                self.declaration(person, K.SIGNIFICANT_CHANGE, 2025, S.DRAFT),
            ]
        if name == "official":
            return [self.declaration(person, K.APPOINTMENT, 2025, S.DRAFT, incomplete=True)]
        if name == "sub_ebat":
            return [annual(2024, S.PUBLISHED), annual(2025, self.rng.choice((S.SUBMITTED, S.ACCEPTED)))]
        if name == "queued":
            return [annual(2024, S.PUBLISHED), annual(2025, S.SUBMITTED)]
        if name == "in_review":
            return [annual(2024, S.ACCEPTED), annual(2025, S.UNDER_REVIEW)]
        if name == "corrected":
            original = annual(2024, S.PUBLISHED)
            original.correction = self.correction(person, original, S.PUBLISHED)
            return [original, annual(2025, S.SUBMITTED)]
        if name == "withdrawn":
            return [annual(2024, S.WITHDRAWN), annual(2025, S.REFERRED)]
        if name == "discarded_then_filed":
            return [annual(2024, S.PUBLISHED), annual(2025, S.DISCARDED), annual(2025, S.SUBMITTED)]
        if name == "resubmitted":
            return [annual(2024, S.PUBLISHED), annual(2025, S.SUBMITTED, resubmitted=True)]
        if name == "appointed":
            return [
                self.declaration(person, K.APPOINTMENT, 2025, S.PUBLISHED),
                # Referred to the agency, which found a violation: it stays concluded, unpublished.
                self.declaration(person, K.SIGNIFICANT_CHANGE, 2025, S.CONCLUDED),
            ]
        if name == "significant_change":
            return [annual(2024, S.PUBLISHED), self.declaration(person, K.SIGNIFICANT_CHANGE, 2025, S.PUBLISHED)]
        if name == "not_required":
            return []
        if name == "hr":
            return [annual(2024, S.PUBLISHED), annual(2025, S.ACCEPTED)]
        raise ValueError(name)

    def nomination(self, title: str, state: str) -> PlannedNomination:
        """A nominee from outside the public service, and the ХАСУМ they file."""
        person = self.person(username=None, org_code=ROOT_CODE, title=title, required=True)
        person.previous_org_code = None
        content = self.content(person, 2025)
        employer = self.rng.choice(NOMINEE_EMPLOYERS)
        content["positions"] = [
            {"organisation": employer, "title": "Мэргэжилтэн", "start_date": self.date_in(2012, 2020).isoformat()}
        ]
        content["income"][0]["source"] = employer
        return PlannedNomination(person=person, title=title, state=state, content=content)

    def random_declarations(self, person: PlannedPerson) -> list[PlannedDeclaration]:
        if not person.declaration_required:
            return []
        rng = self.rng
        planned: list[PlannedDeclaration] = []
        start_year = person.start_date.year
        state: str
        if start_year >= 2024:
            if start_year == 2024:
                state = rng.choice((S.PUBLISHED, S.PUBLISHED, S.ACCEPTED))
            else:
                state = rng.choice((S.SUBMITTED, S.UNDER_REVIEW, S.ACCEPTED, S.PUBLISHED))
            planned.append(self.declaration(person, K.APPOINTMENT, start_year, state))
        else:
            state = rng.choices((S.PUBLISHED, S.ACCEPTED, S.WITHDRAWN, ""), weights=(44, 5, 1, 50))[0]
            if state:
                original = self.declaration(person, K.ANNUAL, 2024, state)
                if state in (S.PUBLISHED, S.ACCEPTED) and rng.random() < 0.03:
                    original.correction = self.correction(
                        person, original, rng.choice((S.SUBMITTED, S.ACCEPTED, S.PUBLISHED))
                    )
                planned.append(original)
        if start_year <= 2024:
            state = rng.choices(
                (S.DRAFT, S.SUBMITTED, S.UNDER_REVIEW, S.RETURNED, S.ACCEPTED, S.PUBLISHED, ""),
                weights=(14, 24, 14, 9, 16, 18, 5),
            )[0]
            if state:
                if rng.random() < 0.03:
                    planned.append(self.declaration(person, K.ANNUAL, 2025, S.DISCARDED))
                resubmitted = state != S.DRAFT and rng.random() < 0.08
                planned.append(self.declaration(person, K.ANNUAL, 2025, state, resubmitted=resubmitted))
        if rng.random() < 0.04:
            state = rng.choice((S.DRAFT, S.SUBMITTED, S.ACCEPTED))
            planned.append(self.declaration(person, K.SIGNIFICANT_CHANGE, 2025, state))
        return planned

    # The whole plan ---------------------------------------------------------------------------------

    def plan(self, officials: int) -> DemoPlan:
        people: list[PlannedPerson] = []
        scenarios: list[str] = []
        for username, org_code, title, reviews, scenario in _PINNED:
            people.append(
                self.person(
                    username=username,
                    org_code=org_code,
                    title=title,
                    required=scenario != "not_required",
                    start_year={"official": 2025, "appointed": 2025}.get(scenario),
                    reviews=reviews,
                    family_company=True if scenario == "filer" else None,
                    pinned=True,
                )
            )
            scenarios.append(scenario)
        staffed = Counter(person.org_code for person in people)
        empty = [spec.code for spec in ORGANISATIONS if not staffed[spec.code]]
        weights = [spec.weight for spec in ORGANISATIONS]
        for index in range(officials - len(people)):
            head = index < len(empty)
            org_code = empty[index] if head else self.rng.choices(ORGANISATIONS, weights)[0].code
            kind = _ORG_BY_CODE[org_code].kind
            if head:
                title, required = HEAD_TITLES[kind], True
            else:
                options = TITLES[kind]
                title, _weight, required = self.rng.choices(options, [w for _t, w, _r in options])[0]
            people.append(self.person(username=None, org_code=org_code, title=title, required=required))
            scenarios.append("")
        for person, scenario in zip(people, scenarios, strict=True):
            person.declarations = self.scenario(person, scenario) if scenario else self.random_declarations(person)
        supervisor_name = self.name()[:2]
        agency_name = self.name()[:2]
        planned_nominations = [self.nomination(title, state) for title, state in NOMINATIONS]
        return DemoPlan(
            seed=self.seed,
            people=people,
            supervisor_name=supervisor_name,
            agency_name=agency_name,
            nominations=planned_nominations,
        )


def partial_declaration(planner: _Planner, person: PlannedPerson, kind: str) -> Callable[..., PlannedDeclaration]:
    def make(year: int, state: str, **extra: Any) -> PlannedDeclaration:
        return planner.declaration(person, kind, year, state, **extra)

    return make


def _money(value: int) -> str:
    return f"{value}.00"


def plan_demo(*, officials: int = DEFAULT_OFFICIALS, seed: int = DEFAULT_SEED) -> DemoPlan:
    """The whole demo drawn from ``random.Random(seed)``; no database access."""
    if officials < MIN_OFFICIALS:
        raise ValueError(f"The demo needs at least {MIN_OFFICIALS} officials.")
    return _Planner(seed).plan(officials)


# --- Loading ----------------------------------------------------------------------------------------


class DemoDataExists(Exception):
    """The database already holds organisations or demo users."""


@dataclass
class DemoSummary:
    seed: int
    seconds: float
    organisations: Counter[str]
    officials: int
    positions: int
    positions_required: int
    users: int
    reviewers: int
    declarations: dict[str, int]
    corrections: int
    revisions: int
    snapshots: int
    log_rows: int
    companies_self: int
    companies_family: int
    nominations: dict[str, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        states = ", ".join(f"{state} {count}" for state, count in self.declarations.items())
        kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(self.organisations.items()))
        return [
            f"Demo data loaded in {self.seconds:.1f} s (seed {self.seed}).",
            f"  organisations: {sum(self.organisations.values())} ({kinds})",
            f"  officials: {self.officials}; positions: {self.positions} ({self.positions_required} requiring a "
            f"declaration); users: {self.users}; authorised officials (ЭБАТ): {self.reviewers}",
            f"  declarations: {sum(self.declarations.values())} — {states}",
            f"  corrections: {self.corrections}; revisions: {self.revisions}; public snapshots: {self.snapshots}; "
            f"transition log rows: {self.log_rows}",
            f"  declared companies: {self.companies_self} own, {self.companies_family} of family members",
            f"  nominations: {sum(self.nominations.values())} ("
            + ", ".join(f"{state}: {count}" for state, count in self.nominations.items() if count)
            + ")",
        ]


def demo_data_present() -> bool:
    return Organisation.objects.exists()


def load_demo(*, officials: int = DEFAULT_OFFICIALS, seed: int = DEFAULT_SEED) -> DemoSummary:
    """Write the demo in one transaction; a failure leaves nothing. E-mail notifications are not sent."""
    started = time.perf_counter()
    plan = plan_demo(officials=officials, seed=seed)
    if demo_data_present():
        raise DemoDataExists("The database already holds organisations.")
    User = get_user_model()  # noqa: N806
    taken = sorted(
        User.objects.filter(
            username__in=[p.username for p in plan.people]
            + [nomination.person.email for nomination in plan.nominations]
            + [ADMIN_USERNAME, SUPERVISOR_USERNAME, AGENCY_USERNAME]
        ).values_list("username", flat=True)
    )
    if taken:
        raise DemoDataExists(f"These usernames already exist: {', '.join(taken)}.")
    connection = transaction.get_connection()
    with transaction.atomic():
        pending = len(connection.run_on_commit)
        _Loader(plan).load()
        # The services schedule e-mail notifications on commit (today their only on-commit work). The demo's
        # would go to made-up addresses and take seconds, so the callbacks registered by the load are dropped.
        del connection.run_on_commit[pending:]
    return summarise(seed=seed, seconds=time.perf_counter() - started)


class _Loader:
    def __init__(self, plan: DemoPlan) -> None:
        self.plan = plan
        self.organisations: dict[str, Organisation] = {}
        self.users: dict[str, Any] = {}
        self.positions: dict[str, Position] = {}
        self.reviewers: dict[int, list[Any]] = {}  # organisation id → its ЭБАТ users, in plan order
        self.supervisor: Any = None
        self.agency: Any = None

    def load(self) -> None:
        self.create_organisations()
        self.create_people()
        self.grant_reviewers()
        for person in self.plan.people:
            for planned in person.declarations:
                self.file(person, planned)
        self.create_tender_and_notices()
        self.create_nominations()
        self.open_campaign()

    def open_campaign(self) -> None:
        """Last year's annual campaign: an obligation for every position that requires a declaration; the
        annual declarations already filed fulfil theirs (on time or late), the others stay open or overdue."""
        year = timezone.localdate().year - 1
        obligations.open_campaign(actor=None, year=year)
        obligations.mark_overdue(today=timezone.localdate())

    def create_nominations(self) -> None:
        """The HR officer's nominees: one whose ХАСУМ waits for the agency reviewer, one concluded and published."""
        hr = self.users[HR_USERNAME]
        root = self.organisations[ROOT_CODE]
        for planned in self.plan.nominations:
            person = planned.person
            nomination = nominations.nomination_create(
                actor=hr,
                organisation=root,
                full_name=person.full_name,
                register_number=person.register_number,
                email=person.email,
                position_title=planned.title,
            )
            nominee = nomination.nominee.user
            draft = nominations.preliminary_create(actor=nominee, nomination_id=nomination.pk)
            services.declaration_update_content(actor=nominee, declaration_id=draft.pk, content=planned.content)
            services.declaration_submit(actor=nominee, declaration_id=draft.pk)
            self.assign_to_agency(draft.pk)
            if planned.state == S.SUBMITTED:
                continue
            services.declaration_start_review(actor=self.agency, declaration_id=draft.pk)
            services.declaration_conclude(actor=self.agency, declaration_id=draft.pk, **PRELIMINARY_CONCLUSION)
            services.declaration_publish(actor=self.agency, declaration_id=draft.pk)

    def assign_to_agency(self, pk: int) -> None:
        """The supervisor assigns the filing to the agency reviewer (whose cached scope is then renewed)."""
        referrals.assign_reviewer(actor=self.supervisor, model=Declaration, filing_id=pk, reviewer_id=self.agency.pk)
        policies.forget_cached_scope(self.agency)

    def create_tender_and_notices(self) -> None:
        """A tender whose committee is declaring, with a red flag to review, and an ordinary late notice."""
        from declarations.models import DeclaredCompany, Notice
        from workflow import notices, tenders

        secretary = self.users[OFFICIAL_USERNAME]
        filer = self.users[FILER_USERNAME]
        organisation = self.positions[OFFICIAL_USERNAME].organisation
        tender = tenders.tender_create(
            actor=secretary,
            organisation=organisation,
            reference_number="ТШ-2026/01",
            title="Сургуулийн барилгын засвар",
        )
        tenders.tender_add_member(
            actor=secretary,
            tender_id=tender.pk,
            kind="official",
            official_id=self.positions[FILER_USERNAME].official_id,
        )
        tenders.tender_add_member(
            actor=secretary,
            tender_id=tender.pk,
            kind="citizen",
            full_name="Дашдоржийн Саруул",
            email=f"saruul@{EMAIL_DOMAIN}",
        )
        tenders.tender_add_bidder(
            actor=secretary, tender_id=tender.pk, name="«Дорнын зам» ХХК", register_number="5012345"
        )
        declared = DeclaredCompany.objects.filter(official__user=filer).order_by("pk").first()
        if declared is not None:
            # One of the filer's declared companies bids: the filer's notice gets a red flag to resolve.
            tenders.tender_add_bidder(
                actor=secretary, tender_id=tender.pk, name=declared.name, register_number=declared.register_number
            )
        tenders.tender_open_declarations(actor=secretary, tender_id=tender.pk)
        action_date = (timezone.localdate() + datetime.timedelta(days=14)).isoformat()
        for member_user in (filer, *[m.user for m in tender.members.filter(kind="citizen")]):
            notice = Notice.objects.get(tender=tender, filer=member_user)
            notices.notice_update(
                actor=member_user, notice_id=notice.pk, action_date=action_date, outcome="no_conflict"
            )
            notices.notice_submit(actor=member_user, notice_id=notice.pk)
        late = notices.notice_create(
            actor=filer,
            organisation=self.positions[FILER_USERNAME].organisation,
            category="contract",
            title="Тоног төхөөрөмжийн нийлүүлэлтийн гэрээ",
            reference_number="ГЭ-2026/17",
            action_date=(timezone.localdate() - datetime.timedelta(days=3)).isoformat(),
            counterparty_name="«Говийн тэмүүлэл» ХХК",
            counterparty_register_number="6012345",
            outcome="no_conflict",
        )
        notices.notice_submit(actor=filer, notice_id=late.pk)

    def create_organisations(self) -> None:
        for spec in ORGANISATIONS:
            self.organisations[spec.code] = Organisation.objects.create(
                code=spec.code,
                name=spec.name,
                name_en=spec.name_en,
                kind=spec.kind,
                parent=self.organisations[spec.parent] if spec.parent else None,
            )

    def create_people(self) -> None:
        User = get_user_model()  # noqa: N806
        password = make_password(DEMO_PASSWORD)  # hashed once: the slow part of creating users
        supervisor_given, supervisor_patronymic = self.plan.supervisor_name
        users = [
            User(
                username=ADMIN_USERNAME,
                email=f"{ADMIN_USERNAME}@{EMAIL_DOMAIN}",
                password=password,
                is_staff=True,
                is_superuser=True,
            ),
            User(
                username=SUPERVISOR_USERNAME,
                email=f"{SUPERVISOR_USERNAME}@iaac.{EMAIL_DOMAIN}",
                first_name=supervisor_given,
                last_name=supervisor_patronymic,
                password=password,
            ),
            User(
                username=AGENCY_USERNAME,
                email=f"{AGENCY_USERNAME}@iaac.{EMAIL_DOMAIN}",
                first_name=self.plan.agency_name[0],
                last_name=self.plan.agency_name[1],
                password=password,
            ),
        ]
        users += [
            User(
                username=person.username,
                email=person.email,
                first_name=person.given_name,
                last_name=person.patronymic,
                password=password,
            )
            for person in self.plan.people
        ]
        User.objects.bulk_create(users)
        # Primary keys from the database (bulk_create sets them on PostgreSQL and SQLite ≥ 3.35 only).
        self.users = {user.username: user for user in User.objects.filter(username__in=[u.username for u in users])}
        self.supervisor = self.users[SUPERVISOR_USERNAME]
        self.supervisor.user_permissions.add(
            *Permission.objects.filter(
                content_type__app_label="declarations",
                codename__in=["view_all_declarations", "withdraw_publication", "assign_reviewers"],
            )
        )
        self.supervisor = User.objects.get(pk=self.supervisor.pk)  # no stale permission cache
        self.users[AGENCY_USERNAME].user_permissions.add(
            Permission.objects.get(content_type__app_label="declarations", codename="agency_review")
        )
        self.agency = User.objects.get(pk=self.users[AGENCY_USERNAME].pk)
        Official.objects.bulk_create(
            Official(
                user=self.users[person.username],
                full_name=person.full_name,
                full_name_search=person.full_name.casefold(),
                register_number=person.register_number.upper(),
            )
            for person in self.plan.people
        )
        officials = {
            o.user_id: o for o in Official.objects.filter(user__in=[self.users[p.username] for p in self.plan.people])
        }
        current = []
        ended = []
        for person in self.plan.people:
            official = officials[self.users[person.username].pk]
            current.append(
                Position(
                    official=official,
                    organisation=self.organisations[person.org_code],
                    title=person.title,
                    start_date=person.start_date,
                    declaration_required=person.declaration_required,
                )
            )
            if person.previous_org_code:
                ended.append(
                    Position(
                        official=official,
                        organisation=self.organisations[person.previous_org_code],
                        title="Мэргэжилтэн",
                        start_date=person.start_date - datetime.timedelta(days=1500),
                        end_date=person.start_date - datetime.timedelta(days=1),
                    )
                )
        Position.objects.bulk_create(current + ended)
        by_official = {
            position.official_id: position
            for position in Position.objects.filter(official__in=officials.values(), end_date__isnull=True)
        }
        self.positions = {
            person.username: by_official[officials[self.users[person.username].pk].pk] for person in self.plan.people
        }

    def grant_reviewers(self) -> None:
        policies.grant_hr_officer(organisation=self.organisations[ROOT_CODE], user=self.users[HR_USERNAME])
        for person in self.plan.people:
            if person.reviews:
                organisation = self.organisations[person.reviews]
                user = self.users[person.username]
                policies.grant_organisation_reviewer(organisation=organisation, user=user)
                self.reviewers.setdefault(organisation.pk, []).append(user)

    def reviewer_for(self, position: Position, filer: Any) -> Any:
        """The nearest ЭБАТ above (or at) the filer's organisation who is not the filer."""
        for organisation_id in reversed(position.organisation.ancestors_and_self_ids()):
            for user in self.reviewers.get(organisation_id, []):
                if user.pk != filer.pk:
                    return user
        raise RuntimeError(f"No reviewer for {position.organisation}")

    def file(self, person: PlannedPerson, planned: PlannedDeclaration) -> None:
        filer = self.users[person.username]
        position = self.positions[person.username]
        declaration = services.declaration_create(
            actor=filer, position=position, kind=planned.kind, year=planned.year, content=planned.content
        )
        reviewer = self.reviewer_for(position, filer)
        self.drive(declaration.pk, planned, filer=filer, reviewer=reviewer)
        if planned.correction is not None:
            correction = services.declaration_create_correction(actor=filer, corrects_id=declaration.pk)
            services.declaration_update_content(
                actor=filer, declaration_id=correction.pk, content=planned.correction.content
            )
            self.drive(correction.pk, planned.correction, filer=filer, reviewer=reviewer)

    def drive(self, pk: int, planned: PlannedDeclaration, *, filer: Any, reviewer: Any) -> None:
        """Take the declaration from draft to the planned state, each step by the user who takes it."""
        target = planned.state
        if target == S.DRAFT:
            return
        if target == S.DISCARDED:
            services.declaration_discard(actor=filer, declaration_id=pk)
            return
        services.declaration_submit(actor=filer, declaration_id=pk)
        if planned.resubmitted:
            self.return_for_correction(pk, planned, reviewer)
            services.declaration_resubmit(actor=filer, declaration_id=pk)
        if target == S.SUBMITTED:
            return
        services.declaration_start_review(actor=reviewer, declaration_id=pk)
        if target == S.UNDER_REVIEW:
            return
        if target in (S.REFERRED, S.CONCLUDED):
            services.declaration_refer(actor=reviewer, declaration_id=pk, reason=REFERRAL_REASON)
            if target == S.CONCLUDED:
                self.assign_to_agency(pk)
                services.declaration_conclude(actor=self.agency, declaration_id=pk, **REFERRAL_CONCLUSION)
            return
        if target == S.RETURNED:
            services.declaration_return_for_correction(
                actor=reviewer,
                declaration_id=pk,
                comment=planned.return_reason[0],
                remarks=[{"path": planned.return_reason[1], "message": planned.return_reason[2]}],
            )
            return
        services.declaration_accept(actor=reviewer, declaration_id=pk, comment=planned.accept_comment)
        if target == S.ACCEPTED:
            return
        services.declaration_publish(actor=reviewer, declaration_id=pk)
        if target == S.WITHDRAWN:
            services.declaration_withdraw_publication(
                actor=self.supervisor, declaration_id=pk, reason=planned.withdrawal_reason
            )

    def return_for_correction(self, pk: int, planned: PlannedDeclaration, reviewer: Any) -> None:
        services.declaration_start_review(actor=reviewer, declaration_id=pk)
        comment, path, message = planned.return_reason
        services.declaration_return_for_correction(
            actor=reviewer, declaration_id=pk, comment=comment, remarks=[{"path": path, "message": message}]
        )


def summarise(*, seed: int, seconds: float) -> DemoSummary:
    by_state = Counter(Declaration.objects.values_list("state", flat=True))
    companies = Counter(DeclaredCompany.objects.values_list("holder", flat=True))
    by_nomination_state = Counter(Nomination.objects.values_list("state", flat=True))
    return DemoSummary(
        seed=seed,
        seconds=seconds,
        organisations=Counter(Organisation.objects.values_list("kind", flat=True)),
        officials=Official.objects.count(),
        positions=Position.objects.count(),
        positions_required=Position.objects.filter(declaration_required=True).count(),
        users=get_user_model().objects.count(),
        reviewers=get_user_model().objects.filter(groups__name__startswith="reviewers:").distinct().count(),
        declarations={state: by_state.get(state, 0) for state in S.values},
        corrections=Declaration.objects.filter(corrects__isnull=False).count(),
        revisions=DeclarationRevision.objects.count(),
        snapshots=PublicSnapshot.objects.count(),
        log_rows=TransitionLog.objects.count(),
        companies_self=companies.get(CompanyHolder.SELF, 0),
        companies_family=companies.get(CompanyHolder.FAMILY, 0),
        nominations={state: by_nomination_state.get(state, 0) for state in NominationState.values},
    )


# --- Logins -----------------------------------------------------------------------------------------


def demo_login_lines(base_url: str = BASE_URL) -> list[str]:
    """The demo logins with their roles and the password, or a line saying the demo is not loaded.

    A login whose password is no longer the demo password is shown without it.
    """
    User = get_user_model()  # noqa: N806
    users = {user.username: user for user in User.objects.filter(username__in=DEMO_USERNAMES, is_active=True)}
    if not Organisation.objects.exists() or not users:
        return ["The demo data is not loaded: run `make demo` (manage.py load_demo_data --if-empty) first."]
    valid_hashes: dict[str, bool] = {}
    for user in users.values():
        if user.password not in valid_hashes:
            valid_hashes[user.password] = check_password(DEMO_PASSWORD, user.password)
    width = max(len(name) for name in DEMO_USERNAMES)
    lines = ["Demo logins:"]
    for login in DEMO_LOGINS:
        account = users.get(login.username)
        if account is None:
            continue
        password = DEMO_PASSWORD if valid_hashes[account.password] else "(password changed)"
        lines.append(f"  {login.username:<{width}}  {password}  {login.role_en}")
        lines.append(f"  {'':<{width}}  {'':<{len(password)}}  {login.role_mn}")
    base = base_url.rstrip("/")
    lines.append("Open:")
    lines += [f"  {base}{path}" for path in DEMO_URL_PATHS]
    return lines
