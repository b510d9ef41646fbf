from django.conf import settings

from config.settings import base


def test_mongolian_is_the_default_language_and_english_is_available():
    assert base.LANGUAGE_CODE == "mn"
    assert [code for code, _name in settings.LANGUAGES] == ["mn", "en"]


def test_deadlines_use_ulaanbaatar_time_with_aware_datetimes():
    assert settings.TIME_ZONE == "Asia/Ulaanbaatar"
    assert settings.USE_TZ is True


def test_sqlite_is_configured_for_concurrent_writers():
    sqlite_options = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
    }
    if base.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        assert base.DATABASES["default"]["OPTIONS"] == sqlite_options
    else:
        assert base.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
