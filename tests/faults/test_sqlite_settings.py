"""SQLite as the production settings open it: WAL, a busy timeout, immediate
transactions, on every new connection."""

from .servers import portal_env, query


def test_every_sqlite_connection_is_in_wal_mode_with_a_busy_timeout(tmp_path):
    env = portal_env(
        f"sqlite:///{tmp_path / 'portal.sqlite3'}", tmp_path / "static", tmp_path
    )
    result = query(
        env,
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    result = [c.execute(f'PRAGMA {p}').fetchone()[0]\n"
        "              for p in ('journal_mode', 'busy_timeout', 'synchronous')]\n"
        "result.append(connection.transaction_mode)\n",
    )
    # synchronous 1 is NORMAL: safe with WAL, and much faster than FULL.
    assert result == ["wal", 20000, 1, "IMMEDIATE"]
