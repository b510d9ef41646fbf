"""A realistic, valid 2023 declaration content, for tests and demo data."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

DEFAULT_FULL_NAME = "Батбаярын Тэмүүжин"
DEFAULT_REGISTER_NUMBER = "УБ90051234"
DEFAULT_COMPANIES: tuple[tuple[str, str], ...] = (("Говь-Алт ХХК", "2345678"),)


def sample_content(
    *,
    complete: bool = True,
    full_name: str = DEFAULT_FULL_NAME,
    register_number: str = DEFAULT_REGISTER_NUMBER,
    companies: Sequence[tuple[str, str]] | None = None,
) -> dict[str, Any]:
    """A deterministic content of the 2023 form, already in normalised form.

    ``complete=True`` gives a filing that passes submission; ``complete=False`` a draft that passes
    autosave but lacks required personal data. ``companies`` lists the declarant's own
    ``(name, registration number)`` shareholdings; the values are private unless the schema says otherwise,
    and no private value is repeated in a public field (the redaction tests depend on it).
    """
    holdings = DEFAULT_COMPANIES if companies is None else tuple(companies)
    business_interests = [
        {
            "company_name": name,
            "company_register_number": number,
            "role": "shareholder",
            "share_percent": "25.00",
            "acquired_on": "2016-04-20",
        }
        for name, number in holdings
    ]
    if not complete:
        return {
            "personal": {"full_name": full_name, "register_number": register_number},
            "positions": [
                {
                    "organisation": "Сангийн яам",
                    "title": "Худалдан авах ажиллагааны хэлтсийн дарга",
                    "start_date": "2019-03-01",
                }
            ],
            "business_interests": business_interests,
            "real_estate": [],
            "vehicles": [],
            "bank_accounts": [],
            "securities": [],
            "income": [],
            "loans": [],
            "gifts": [],
            "family_members": [],
        }
    return {
        "personal": {
            "full_name": full_name,
            "register_number": register_number,
            "birth_date": "1990-05-12",
            "address": "Улаанбаатар хот, Сүхбаатар дүүрэг, 1-р хороо, 8-р байр 12 тоот",
            "phone": "99112233",
            "email": "temuujin.b@example.mn",
        },
        "positions": [
            {
                "organisation": "Сангийн яам",
                "title": "Худалдан авах ажиллагааны хэлтсийн дарга",
                "start_date": "2019-03-01",
            },
            {
                "organisation": "Төрийн банк",
                "title": "Зээлийн эдийн засагч",
                "start_date": "2012-09-03",
                "end_date": "2019-02-28",
            },
        ],
        "business_interests": business_interests,
        "real_estate": [
            {
                "kind": "apartment",
                "address": "Улаанбаатар хот, Баянзүрх дүүрэг, 26-р хороо, 45-р байр 31 тоот",
                "area_m2": "64.50",
                "value_mnt": "280000000.00",
                "acquired_on": "2017-08-15",
            },
            {
                "kind": "land",
                "address": "Төв аймаг, Эрдэнэ сум, Тэрэлжийн ам",
                "parcel_number": "1860004417",
                "area_m2": "700.00",
                "value_mnt": "45000000.00",
                "acquired_on": "2014-06-10",
            },
        ],
        "vehicles": [
            {
                "make": "Toyota",
                "model": "Prius 41",
                "year": 2016,
                "plate_number": "1234УБА",
                "value_mnt": "32000000.00",
            }
        ],
        "bank_accounts": [
            {
                "bank_name": "Хаан банк",
                "account_number": "5012987654",
                "currency": "MNT",
                "balance": "15400000.00",
                "balance_mnt": "15400000.00",
            },
            {
                "bank_name": "Голомт банк",
                "account_number": "1105003321",
                "currency": "USD",
                "balance": "3200.00",
                "balance_mnt": "10880000.00",
            },
        ],
        "securities": [
            {
                "issuer": "АПУ ХК",
                "issuer_register_number": "2081911",
                "kind": "shares",
                "quantity": 1500,
                "value_mnt": "2250000.00",
            }
        ],
        "income": [
            {"source": "Сангийн яам", "kind": "salary", "amount_mnt": "38400000.00"},
            {"source": "Орон сууцны түрээс", "kind": "rental", "amount_mnt": "7200000.00"},
        ],
        "loans": [
            {
                "lender": "Хаан банк",
                "currency": "MNT",
                "amount": "60000000.00",
                "amount_mnt": "60000000.00",
                "outstanding_mnt": "41250000.00",
                "taken_on": "2017-08-01",
                "due_on": "2032-08-01",
            }
        ],
        "gifts": [
            {
                "giver": "Монголын Худалдаа Аж Үйлдвэрийн Танхим",
                "description": "Хүндэт тэмдэг,\nдурсгалын бэлэг",
                "value_mnt": "350000.00",
                "received_on": "2023-12-20",
            }
        ],
        "family_members": [
            {
                "full_name": "Должинсүрэнгийн Сарангэрэл",
                "register_number": "УЕ92110456",
                "relationship": "spouse",
                "birth_date": "1992-11-04",
                "occupation": "Эмч",
                "income_mnt": "21600000.00",
                "assets_total_mnt": "35000000.00",
                "companies": [
                    {
                        "company_name": "Сарнай Эм Хангамж ХХК",
                        "company_register_number": "5123456",
                        "share_percent": "100.00",
                    }
                ],
            },
            {
                "full_name": "Тэмүүжингийн Анужин",
                "register_number": "УБ16221415",
                "relationship": "child",
                "birth_date": "2016-02-14",
                "companies": [],
            },
        ],
    }
