"""Seed the notice categories the law names (Conflict of Interest Law, art. 12); the agency adds more."""

from django.db import migrations

CATEGORIES = [
    ("contract", "Гэрээ байгуулах", "Concluding a contract", 10),
    ("administrative_decision", "Захиргааны шийдвэр гаргах", "Making an administrative decision", 20),
    ("management", "Удирдах", "Directing or managing", 30),
    ("inspection", "Хяналт шалгалт хийх", "Carrying out an inspection", 40),
    ("liability", "Хариуцлага хүлээлгэх", "Imposing liability", 50),
    (
        "procurement_committee",
        "Худалдан авах ажиллагааны үнэлгээний хороо",
        "Procurement evaluation committee",
        60,
    ),
    ("other", "Бусад", "Other", 90),
]


def seed(apps, schema_editor):
    NoticeCategory = apps.get_model("declarations", "NoticeCategory")
    for code, name, name_en, ordering in CATEGORIES:
        NoticeCategory.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "ordering": ordering, "is_active": True}
        )


def unseed(apps, schema_editor):
    NoticeCategory = apps.get_model("declarations", "NoticeCategory")
    NoticeCategory.objects.filter(code__in=[code for code, *_ in CATEGORIES], notices__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("declarations", "0002_notices_and_tenders")]
    operations = [migrations.RunPython(seed, unseed)]
