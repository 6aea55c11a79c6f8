"""How much mail a month brings: dev-00 (its gold tasks, the Lạng Sơn directory) walked day by day,
24/7-31/8/2020.

  python bench/bench_mail_month.py                 this checkout
  python bench/bench_mail_month.py --compare REF   a clone at REF (in /tmp/mailmain) and this checkout,
                                                   side by side (REF: a branch or commit, e.g.
                                                   $(git merge-base main HEAD))
  python bench/bench_mail_month.py --json          the counts as JSON (what --compare reads from each side)

Each day at 08:30 the scheduler runs and the relay delivers into a Maildir; the Trung tâm CNTT reports its
task done on 7/8 (as tests/integration/test_scheduler_timewalk.py does). Every delivered message counts once
per recipient (To and Cc), by the unit whose mailbox or head it is ("Giám đốc" for the director), per ISO
week.
"""

from __future__ import annotations

import argparse
import json
import mailbox
import os
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from email.utils import getaddresses
from pathlib import Path
from zoneinfo import ZoneInfo

REPO = Path(__file__).resolve().parents[1]
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
START, END = date(2020, 7, 24), date(2020, 8, 31)


def _corpus(repo: Path) -> Path:
    for base in (repo.parent, repo.parent.parent, Path("/work")):
        if (base / "shared" / "corpus" / "dev-00.json").exists():
            return base / "shared" / "corpus"
    raise SystemExit("the dev corpus (shared/corpus/dev-00.json) is not found beside the checkout")


def walk(repo: Path) -> dict[str, dict[str, int]]:
    """{recipient: {week: mails}} for the month, with the code of `repo`."""
    sys.path.insert(0, str(repo))
    import yaml

    from service.clock import FixedClock
    from service.config import load_settings
    from service.store.models import Task
    from service.tasks.closing import mark_done
    from service.runners.one_pass import deliver
    from service.runners.scheduler import run_due
    from service.store.schema import upgrade
    from service.wiring import build_app
    from tests.integration.outbox_support import gold_tasks, register_notice

    corpus = _corpus(repo)
    directory = yaml.safe_load((corpus / "directory-langson-stnmt.yaml").read_text(encoding="utf-8"))
    names = {}
    for unit in directory["units"]:
        names[unit["email"].lower()] = unit["name"]
        if isinstance(unit.get("head"), dict) and unit["head"].get("email"):
            names[unit["head"]["email"].lower()] = unit["name"]
    for leader in directory.get("leaders") or []:
        names.setdefault(
            str(leader.get("email", "")).lower(),
            "Giám đốc" if leader is directory["leaders"][0] else leader["name"],
        )
    work = Path(tempfile.mkdtemp(prefix="mailmonth-"))
    domain = directory["domain"]
    settings = load_settings(
        database_url=f"sqlite:///{work / 'docket.db'}",
        directory=str(corpus / "directory-langson-stnmt.yaml"),
        from_address=f"docket@{domain}",
        allowed_senders=f"@{domain}",
        smtp=f"maildir:{work / 'sent'}",
        mailbox=f"maildir:{work / 'inbox'}",
    )
    app = build_app(settings, FixedClock(datetime(2020, 7, 24, 9, 0, tzinfo=TZ)))
    upgrade(app.engine)
    doc, tasks = gold_tasks(corpus / "dev-00.json")
    with app.sessions.begin() as session:
        result = register_notice(
            app,
            session,
            text=(corpus / "dev-00.txt").read_text(encoding="utf-8"),
            doc=doc,
            tasks=tasks,
            now=app.clock.now(),
        )
        done_early = next(t.id for t in result.new_tasks if t.text == "xây dựng báo cáo đề dẫn về chỉnh sửa")
    deliver(app)
    seen: set[str] = set()
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    day = START
    while day <= END:
        app.clock = FixedClock(datetime(day.year, day.month, day.day, 8, 30, tzinfo=TZ))
        if day == date(2020, 8, 7):
            with app.sessions.begin() as session:
                mark_done(
                    app,
                    session,
                    session.get(Task, done_early),
                    actor="ttcntt@" + domain,
                    note="Đã hoàn thành",
                    now=app.clock.now(),
                )
        run_due(app)
        deliver(app)
        box = mailbox.Maildir(str(work / "sent"), create=True)
        week = f"{day.isocalendar()[0]}-W{day.isocalendar()[1]:02d}"
        for key in box.keys():
            if key in seen:
                continue
            seen.add(key)
            msg = box[key]
            for _, address in getaddresses([*msg.get_all("To", []), *msg.get_all("Cc", [])]):
                counts[names.get(address.lower(), address.lower())][week] += 1
        day += timedelta(days=1)
    app.dispose()
    return {who: dict(weeks) for who, weeks in counts.items()}


def _clone(ref: str, where: Path) -> Path:
    if where.exists():
        subprocess.run(["rm", "-rf", str(where)], check=True)
    subprocess.run(["git", "clone", "-q", "--no-checkout", str(REPO), str(where)], check=True)
    commit = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", ref], check=True, capture_output=True, text=True
    ).stdout.strip()
    subprocess.run(["git", "-C", str(where), "checkout", "-q", commit], check=True)
    return where


def _run_side(repo: Path) -> dict[str, dict[str, int]]:
    # -S: no .pth files, so the editable install cannot map service/ to this checkout; site-packages by hand
    import site

    path = os.pathsep.join([str(repo), *site.getsitepackages()])
    out = subprocess.run(
        [sys.executable, "-S", str(Path(__file__).resolve()), "--json", "--repo", str(repo)],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": path},
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _weeks() -> list[str]:
    weeks, day = [], START
    while day <= END:
        label = f"{day.isocalendar()[0]}-W{day.isocalendar()[1]:02d}"
        weeks += [label] if label not in weeks else []
        day += timedelta(days=1)
    return weeks


def table(sides: dict[str, dict[str, dict[str, int]]]) -> str:
    weeks = [w for w in _weeks() if any(got.get(w) for side in sides.values() for got in side.values())]
    labels = list(sides)
    people = sorted({p for side in sides.values() for p in side}, key=lambda p: (p == "Giám đốc", p))
    width = max(len(p) for p in people) + 2
    head = f"{'recipient':{width}}" + "".join(f"{w[-3:]:>11}" for w in weeks) + f"{'total':>11}"
    lines = [" / ".join(labels) + " (mails received)", head]
    totals = {label: Counter[str]() for label in labels}
    for person in people:
        cells = []
        for week in [*weeks, "total"]:
            values = []
            for label in labels:
                got = sides[label].get(person, {})
                n = sum(got.values()) if week == "total" else got.get(week, 0)
                totals[label][week] += n
                values.append(str(n))
            cells.append(f"{'→'.join(values):>11}")
        lines.append(f"{person:{width}}" + "".join(cells))
    all_row = "".join(f"{'→'.join(str(totals[label][w]) for label in labels):>11}" for w in [*weeks, "total"])
    lines.append(f"{'all recipients':{width}}" + all_row)
    if len(labels) == 2:
        before, after = (totals[label]["total"] for label in labels)
        lines.append(f"change over the month: {before} → {after} ({(after - before) / before:+.0%})")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--compare", metavar="REF", help="also walk a clone of this git ref (in /tmp/mailmain)")
    ap.add_argument("--repo", type=Path, default=REPO, help="the code to walk with (default: this checkout)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if args.json:
        print(json.dumps(walk(args.repo.resolve()), ensure_ascii=False))
        return
    sides = {}
    if args.compare:
        sides[args.compare] = _run_side(_clone(args.compare, Path("/tmp/mailmain")))
    sides["this checkout"] = _run_side(args.repo.resolve())
    print(table(sides))


if __name__ == "__main__":
    main()
