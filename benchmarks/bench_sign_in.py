"""What signing in safely costs: the server-side session check on every page, and the password rules.

1. A signed-in page (/key-roles) with the signed-in user's session among 1 row and among 100,000 (BENCH_SESSIONS) rows
   of user_session, timed with Flask's test client in a temporary SQLite database (or WSOA_BENCH_DATABASE_URL). The
   check is one primary-key join with the user load, so the ratio should stay near 1.
2. The deny list: reading imports/common-passwords.txt once, and checking one password against all the rules, each as
   a ratio to one Argon2id hash (what setting a password costs anyway).

Ends with one line per target, MET or MISSED with the figures:
- a page with 100,000 sessions stored takes at most 1.2x the time it takes with one;
- the deny list loads once in under one Argon2id hash's time, and a full rules check costs under 1% of a hash.

    .venv/bin/python benchmarks/bench_sign_in.py
"""

import os
import statistics
import tempfile
import time

from flask_migrate import upgrade
from sqlalchemy import insert

from config import Test
from wsoa import create_app
from wsoa.domain import password_rules
from wsoa.extensions import db
from wsoa.models import UserSession
from wsoa.services.accounts import hash_password
from wsoa.services.users import create_user

SESSIONS = int(os.environ.get("BENCH_SESSIONS", "100000"))
RUNS = int(os.environ.get("BENCH_RUNS", "201"))
PASSWORD = "correct horse battery staple"


def median_seconds(action, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def signed_in_client(app):
    client = app.test_client()
    response = client.post("/sign-in", data={"email": "bench@example.org", "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client


def page_timings() -> tuple[float, float]:
    config = Test()
    config.WTF_CSRF_ENABLED = False
    handle, path = tempfile.mkstemp(prefix="wsoa-bench-", suffix=".sqlite")
    os.close(handle)
    config.SQLALCHEMY_DATABASE_URI = os.environ.get("WSOA_BENCH_DATABASE_URL", f"sqlite:///{path}")
    app = create_app(config)
    try:
        with app.app_context():
            upgrade()
            user = create_user(email="bench@example.org", name="Bench Person", level="viewer", password=PASSWORD)
            others = [create_user(email=f"other{n}@example.org", name="Other", level="viewer") for n in range(100)]
            db.session.commit()
            client = signed_in_client(app)

            def page():
                assert client.get("/key-roles").status_code == 200

            page()
            one = median_seconds(page, RUNS)
            rows = [
                {"digest": f"{n:064x}", "user_id": (user if n % 10 == 0 else others[n % 100]).id}
                for n in range(1, SESSIONS + 1)
            ]
            for start in range(0, len(rows), 10_000):
                db.session.execute(insert(UserSession), rows[start : start + 10_000])
            db.session.commit()
            page()
            many = median_seconds(page, RUNS)
            db.drop_all()
            db.session.remove()
            db.engine.dispose()
    finally:
        os.unlink(path)
    return one, many


def rule_timings() -> tuple[float, float, float]:
    argon = median_seconds(lambda: hash_password(PASSWORD), 11)
    password_rules.common_passwords.cache_clear()
    started = time.perf_counter()
    password_rules.common_passwords()
    load = time.perf_counter() - started
    check = median_seconds(
        lambda: password_rules.password_problem(PASSWORD, email="sam.jones@example.org", name="Sam Jones"), 2001
    )
    return argon, load, check


def main() -> None:
    one, many = page_timings()
    ratio = many / one
    print(f"signed-in page, 1 session stored:         {one * 1000:7.2f} ms median of {RUNS}")
    print(f"signed-in page, {SESSIONS:,} sessions stored: {many * 1000:7.2f} ms  ({ratio:.2f}x)")
    argon, load, check = rule_timings()
    words = len(password_rules.common_passwords())
    print(f"one Argon2id hash:                        {argon * 1000:7.2f} ms (baseline)")
    print(f"loading the deny list ({words:,} passwords): {load * 1000:7.2f} ms ({load / argon:.2f}x a hash), once")
    print(f"checking a password against every rule:  {check * 1e6:7.1f} us ({check / argon:.4f}x a hash)")
    print()
    print(f"{'MET' if ratio <= 1.2 else 'MISSED'}: a page with {SESSIONS:,} sessions stored takes {ratio:.2f}x one")
    loaded_ok, check_ok = load < argon, check < argon / 100
    print(f"{'MET' if loaded_ok else 'MISSED'}: the deny list loads in {load / argon:.2f}x one hash (target under 1x)")
    print(f"{'MET' if check_ok else 'MISSED'}: a rules check costs {check / argon:.4f}x a hash (target under 0.01x)")


if __name__ == "__main__":
    main()
