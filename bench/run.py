"""onething under load, each request beside a baseline that sends the same SQL through plain
psycopg, in one run (issue 18).

1. The database (``--url``) is one that ``bench/seed.py N`` has seeded: a county's applications
   in every state, with their items and histories. The run adds accounts of its own there
   (``bench_clerk``; ``bench_reviewer`` and ``bench_supervisor`` of the department with the most
   items under review, or ``--department``) with fresh API tokens, and signs applicants' tokens
   for a random sample of applications.
2. gunicorn starts with the project's ``gunicorn.conf.py`` (sync workers, ``--workers``) on a
   free port, with ``bench/baseline.py`` as the app: onething as ``wsgi.py`` builds it, plus
   the baseline endpoints, which pass through the same request hooks.
3. Warm-up: the allowed transitions of an application of every bundle, each read 16 times, so
   that both workers have compiled every bundle's machine. The workers' RSS is taken then, and
   again after the run.
4. Each request is sent once, alone, and must answer 2xx: a benchmark of 401s is worthless.
5. Each is loaded with ``wrk -t2 -c16 -d<duration>`` and ``bench/requests.lua``, which reads the
   requests from a file (one a line) and counts every answer that is not 2xx:

   =============  ===================================================  ============
   name           request                                              beside
   =============  ===================================================  ============
   bare-read      GET /bench/baseline/read/<number>
   plain-read     the same in a Flask app with nothing else:           bare-read
                  GET /plain/bench/baseline/read/<number>
   citizen        GET /api/citizen/application, the applicant's token  bare-read
                  (the applicant's status read, as /status reads it)
   clerk          GET /api/applications/<number>, a clerk's token      bare-read
   list           GET /review, the reviewer signed in                  bare-read
   overdue        GET /api/overdue, the supervisor's token             bare-read
   stats          GET /api/stats, the supervisor's token               bare-read
   bare-advance   POST /bench/baseline/advance/<number>/<item>
   plain-advance  the same in a Flask app with nothing else            bare-advance
   advance        POST /api/applications/<number>/transitions,         bare-advance
                  start_review, the reviewer's token
   intake         POST /api/applications (at the window, --bundle),    bare-advance
                  then accept each application created
   =============  ===================================================  ============

   Each request's load follows a load of its baseline, so that the two share the machine's
   conditions. Reads cycle through the sample of applications. Each advance starts the review
   of another item of the reviewer's department, picked beforehand by a query: the items open,
   then items under review set back to open for the run (no event; those not advanced are set
   back after). The intake is two loads: applications created for the duration, then each
   accepted once. A request that takes more than half a second alone is sent 2 × workers
   times, one per worker at a time: sixteen connections would queue more work than the run
   lasts. After each load the run waits until the workers are idle: a sync worker serves what
   wrk left queued, though nobody reads the answer.
6. The table. gunicorn is stopped, also on failure, and the baselines' changes undone.

Reading the table. ``req/s`` counts every answer over the seconds the load ran (``s``: a load
that sends each line once ends with its last answer). ``others`` is the share of the machine's
CPU that processes other than this run's (gunicorn, the PostgreSQL backends of its database,
wrk, this script) used meanwhile: over a few percent, the row is suspect (PostgreSQL's parallel
and background workers count as others: statistics' share is high). With ``--repeat N`` each
pair (baseline, request) is loaded N times and the table keeps the pair during which others
used least. ``beside`` is the baseline's req/s in the load just before; a baseline's own row is
the median of its loads.
``p50`` and ``p99`` are wrk's latency, from sending to the last byte: with 16 connections at 2
sync workers, mostly waiting in the queue. ``ratio`` divides req/s by the baseline's beside
it; for the advance, ``p99 ratio`` its p99 by the bare advance's. The intake pair: its
rate ``1 / (1/create + 1/accept)``, what the server sustains doing both; its p50 and p99 the
sums of theirs (the p99 an upper bound). The targets are goals to print, not gates: the advance
at least 0.70× the bare advance with its p99 at most 2× that one's, each status read at least
0.60× the bare read, a worker with every machine compiled under 150 MiB.

What stays in the database: the accounts and their tokens, the applications the intake made
(accepted), and the advanced items, under review again with one more start_review event each
(one per load of advances); the bare advance's events are deleted and its items set back to
under review. Client, server and PostgreSQL share the machine's cores, so other work moves the
figures: compare the rows of one run, and run twice before believing a difference.
"""

from __future__ import annotations

import argparse
import http.client
import http.cookiejar
import json
import logging
import math
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode

import psycopg
from alembic.script import ScriptDirectory

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/onething_bench"
PASSWORD = "bench-password-1"
ACCOUNTS = {"bench_clerk": "clerk", "bench_reviewer": "reviewer",
            "bench_supervisor": "supervisor"}
USER_AGENT = "onething-bench"  # the same on every request: the signed-in session stays valid
BARE_ADVANCE = "bench: bare advance"  # the reason of bench/baseline.py's events
BARE_ADVANCE_ITEMS = 2_000  # cycled: each request flips one between reviewing and open
ADVANCE_PER_SECOND = 1_500  # items picked per second of --duration: more than a run advances
WARM_UP_READS = 16  # of each bundle's application: a worker misses one with odds 1 in 65,536
SLOW_MS = 500  # alone; slower requests are sent a few times, one per worker at a time
TIMEOUT = "30s"  # gunicorn.conf.py's: a slower answer is a worker killed, not a figure

NAMES = ("bare-read", "plain-read", "citizen", "clerk", "list", "overdue", "stats",
         "bare-advance", "plain-advance", "advance", "intake")
LABELS = {"bare-read": "bare read (psycopg, one row)", "plain-read": "  the same, plain Flask",
          "citizen": "applicant's status (API)", "clerk": "clerk's read",
          "list": "reviewer's list (/review)", "overdue": "overdue board",
          "stats": "statistics", "bare-advance": "bare advance (psycopg)",
          "plain-advance": "  the same, plain Flask", "advance": "advance (start_review)",
          "intake": "intake (create + accept)", "create": "  create", "accept": "  accept"}
BESIDE = {"plain-read": "bare-read", "citizen": "bare-read", "clerk": "bare-read",
          "list": "bare-read", "overdue": "bare-read", "stats": "bare-read",
          "plain-advance": "bare-advance", "advance": "bare-advance", "intake": "bare-advance"}
PLAIN = {"bare-read": "plain-read", "bare-advance": "plain-advance"}  # no onething hooks
TARGETS = {"citizen": (0.60, None), "clerk": (0.60, None), "advance": (0.70, 2.0)}
RSS_TARGET_MIB = 150


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Seed the database first: .venv/bin/python bench/seed.py N makes "
               "onething_bench (--name another, then --url here).")
    parser.add_argument("--url", default=DEFAULT_URL,
                        help="the seeded database (default: %(default)s)")
    parser.add_argument("--duration", type=int, default=10,
                        help="seconds of load per request (default: %(default)s)")
    parser.add_argument("--connections", type=int, default=16,
                        help="wrk's connections (default: %(default)s)")
    parser.add_argument("--threads", type=int, default=2, help="wrk's threads (default: 2)")
    parser.add_argument("--workers", type=int, default=2,
                        help="gunicorn's sync workers (default: %(default)s)")
    parser.add_argument("--only", action="append", choices=NAMES, metavar="NAME",
                        help="load this request and its baseline, not the others "
                             "(repeatable): " + ", ".join(NAMES))
    parser.add_argument("--skip", action="append", choices=NAMES, default=[], metavar="NAME",
                        help="leave this request out (repeatable)")
    parser.add_argument("--department", help="the reviewer's and the supervisor's department "
                        "(default: the one with the most items under review; the intake "
                        "opens items elsewhere, so pin it to compare runs)")
    parser.add_argument("--bundle", default="restaurant",
                        help="the bundle the intake applies for (default: %(default)s)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="loads of each request; the table keeps the one during which "
                             "others used the least CPU (default: %(default)s)")
    parser.add_argument("--sample", type=int, default=2_000,
                        help="applications the reads cycle through (default: %(default)s)")
    args = parser.parse_args()
    if args.duration < 1 or args.repeat < 1 or args.connections < args.threads \
            or args.sample < args.threads:
        parser.error("--duration and --repeat need 1, --connections and --sample at least "
                     "--threads")
    return args


def selected(only: list[str] | None, skip: list[str]) -> list[str]:
    """The loads to run, in the order of NAMES: those asked for, with their baselines (in
    onething's stack and plain), less those skipped."""
    wanted = set(only or NAMES) - set(skip)
    wanted |= {BESIDE[name] for name in wanted if name in BESIDE}
    wanted |= {PLAIN[name] for name in wanted if name in PLAIN}
    return [name for name in NAMES if name in wanted - set(skip)]


def line(method: str, path: str, body: dict | None = None, **headers: str) -> str:
    """A request as bench/requests.lua reads it (``User_Agent=…`` sends User-Agent)."""
    sent = {"User-Agent": USER_AGENT,
            **{name.replace("_", "-"): value for name, value in headers.items()}}
    if body is not None:
        sent["Content-Type"] = "application/json"
    text = "-" if body is None else json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    return "\t".join([method, path, text, *(f"{name}: {value}" for name, value in sent.items())])


@dataclass(frozen=True)
class Result:
    answered: int
    seconds: float
    non2xx: int
    statuses: dict[str, int]
    socket_errors: int
    p50_ms: float
    p99_ms: float
    connections: int
    others: float = 0.0  # the share of the machine's CPU others used meanwhile

    @property
    def rate(self) -> float:
        return self.answered / self.seconds if self.seconds else 0.0


def pair(create: Result, accept: Result) -> Result:
    """Create and accept as one intake: what the server sustains doing both, one after the
    other; the latencies added (the p99 an upper bound)."""
    statuses = {status: create.statuses.get(status, 0) + accept.statuses.get(status, 0)
                for status in {*create.statuses, *accept.statuses}}
    each = [1 / part.rate if part.rate else math.inf for part in (create, accept)]
    return Result(1, sum(each), create.non2xx + accept.non2xx, statuses,
                  create.socket_errors + accept.socket_errors, create.p50_ms + accept.p50_ms,
                  create.p99_ms + accept.p99_ms, create.connections,
                  (create.others + accept.others) / 2)


# --- The database -----------------------------------------------------------------------------


@dataclass
class Picked:
    department: str
    sample: list[str]  # application numbers, random
    every_bundle: list[str]  # an application of each bundle
    advance: list[tuple[int, str, str, str]]  # (item id, number, item code, state)
    bare: list[tuple[int, int, str, str]]  # (item id, application id, number, item code)
    applications: int
    server_version: str
    schema: str  # the database's migration, and whether it is this tree's last


def pick(url: str, department: str | None, sample: int, advance_items: int) -> Picked:
    with psycopg.connect(url, autocommit=True) as database:
        applications = database.execute("SELECT count(*) FROM applications").fetchone()[0]
        if not applications:
            raise SystemExit(f"no application in {url}: seed it first (bench/seed.py N)")
        if department is None:
            row = database.execute(
                "SELECT department_code FROM application_items WHERE state = 'reviewing' "
                "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1"
            ).fetchone()
            if row is None:
                raise SystemExit("no item under review: nothing to advance")
            department = row[0]
        database.execute("SELECT setseed(0.18)")
        numbers = [number for number, in database.execute(
            "SELECT number FROM applications ORDER BY random() LIMIT %s", (sample,))]
        every_bundle = [number for number, in database.execute(
            "SELECT (SELECT a.number FROM applications AS a WHERE a.bundle_code = b.code "
            "LIMIT 1) FROM bundles AS b ORDER BY b.code") if number is not None]
        advance = database.execute(
            "SELECT i.id, a.number, i.item_code, i.state FROM application_items AS i "
            "JOIN applications AS a ON a.id = i.application_id WHERE i.department_code = %s "
            "AND i.state IN ('open', 'reviewing') AND a.state = 'processing' "
            "ORDER BY i.state = 'open' DESC, random() LIMIT %s",
            (department, advance_items)).fetchall()
        # Not in an application of the department: the bare advance's events carry numbers
        # (seq) that onething's own next event would take.
        bare = database.execute(
            "SELECT i.id, a.id, a.number, i.item_code FROM application_items AS i "
            "JOIN applications AS a ON a.id = i.application_id WHERE i.state = 'reviewing' "
            "AND a.state = 'processing' AND NOT EXISTS (SELECT FROM application_items AS d "
            "WHERE d.application_id = a.id AND d.department_code = %s) "
            "ORDER BY random() LIMIT %s", (department, BARE_ADVANCE_ITEMS)).fetchall()
        version = database.execute("SHOW server_version").fetchone()[0]
        schema = database.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    if len(advance) < 2 or len(bare) < 2:
        raise SystemExit(f"too few items under review to advance ({len(advance)} in "
                         f"{department}, {len(bare)} elsewhere): seed more applications")
    heads = ScriptDirectory(str(ROOT / "migrations")).get_heads()
    if schema not in heads:  # the check of each request tells whether it matters
        schema += (f", not this tree's last ({', '.join(heads)}): flask db upgrade, if the "
                   "tree is the newer")
    return Picked(department, numbers, every_bundle, advance, bare, applications, version,
                  schema)


class Database:
    """What the run asks of the database, and what it changes beyond what the app does (and
    puts back)."""

    def __init__(self, url: str, picked: Picked):
        self.url, self.picked = url, picked
        self.reopened: list[int] = []

    def execute(self, statement: str, parameters: tuple = ()) -> list[tuple]:
        with psycopg.connect(self.url, autocommit=True) as database:
            cursor = database.execute(statement, parameters)
            return cursor.fetchall() if cursor.description else []

    def open_advance_items(self, again: bool = False) -> None:
        """The items to advance that are under review, set back to open (no event); ``again``
        (another load of advances, --repeat): every one of them."""
        ids = [item for item, _, _, state in self.picked.advance
               if again or state == "reviewing"]
        self.execute("UPDATE application_items SET state = 'open' "
                     "WHERE id = ANY(%s) AND state = 'reviewing'", (ids,))
        self.reopened = sorted({*self.reopened, *ids})

    def undo_bare_advance(self) -> None:
        """Its items under review again, its events deleted: their chains are whole again."""
        bare = self.picked.bare
        self.execute("UPDATE application_items SET state = 'reviewing' "
                     "WHERE id = ANY(%s) AND state <> 'reviewing'",
                     ([item for item, _, _, _ in bare],))
        self.execute("DELETE FROM events WHERE application_id = ANY(%s) AND reason = %s",
                     (sorted({application for _, application, _, _ in bare}), BARE_ADVANCE))

    def undo(self) -> None:
        """The items set back to open and not advanced, under review again; the bare
        advance undone."""
        self.execute("UPDATE application_items SET state = 'reviewing' "
                     "WHERE id = ANY(%s) AND state = 'open'", (self.reopened,))
        self.reopened = []
        self.undo_bare_advance()

    def last_application_id(self) -> int:
        return self.execute("SELECT max(id) FROM applications")[0][0]

    def created_since(self, last_id: int, bundle: str) -> list[str]:
        return [number for number, in self.execute(
            "SELECT number FROM applications WHERE id > %s AND bundle_code = %s "
            "AND state = 'submitted' ORDER BY id", (last_id, bundle))]

    def busy(self) -> bool:
        """Whether another connection runs a statement (one of the workers', say)."""
        return bool(self.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND backend_type = 'client backend' AND state = 'active' "
            "AND pid <> pg_backend_pid()")[0][0])


@dataclass(frozen=True)
class Credentials:
    tokens: dict[str, str]  # username: API token
    citizens: dict[str, str]  # application number: the applicant's token
    intake: dict  # an application to create


def credentials(url: str, department: str, numbers: list[str], bundle_code: str) -> Credentials:
    """The run's accounts (created, or moved to ``department``) with fresh tokens, applicants'
    tokens signed with the app's SECRET_KEY (from the environment, as gunicorn's), and the
    intake's application, through this tree's app."""
    from advance import payload
    from sqlalchemy import select

    from service import create_app
    from service.access import citizens
    from service.access.models import User
    from service.access.operations import create_user, issue_token, update_user
    from service.access.roles import DEPARTMENT_ROLES, Role
    from service.catalog.operations import find_open_version, machine_for
    from service.core.database import db, utcnow
    from service.stats import rollup

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        tokens = {}
        for username, role_name in ACCOUNTS.items():
            role = Role(role_name)
            departments = [department] if role in DEPARTMENT_ROLES else []
            user = db.session.scalar(select(User).where(User.username == username))
            if user is None:
                user = create_user(username=username, display_name=username, password=PASSWORD,
                                   role=role, departments=departments, by_user_id=None)
            elif user.role != role or user.department_codes != set(departments):
                update_user(user, display_name=user.display_name, role=role,
                            departments=departments, by_user_id=None)
            tokens[username] = issue_token(user, "bench/run.py", days=1)[1]
        version = find_open_version(bundle_code)
        if version is None:
            raise SystemExit(f"no open bundle {bundle_code!r} for the intake (--bundle)")
        intake = payload(machine_for(version).bundle, serial=1)
        # As the sweep keeps it: an earlier run's steps left the days they touched counted live.
        rollup.refresh(utcnow())
        db.session.commit()
        signed = {number: citizens.issue_token(number) for number in numbers}
        db.engine.dispose()
    return Credentials(tokens, signed, intake)


# --- The server and the client ----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn with the project's configuration and bench/baseline.py as the app."""

    def __init__(self, url: str, workers: int, log: Path):
        self.port, self.log, self.app_from = free_port(), log, "?"
        self.base = f"http://127.0.0.1:{self.port}"
        environment = {**os.environ, "DATABASE_URL": url, "BIND": f"127.0.0.1:{self.port}",
                       "WEB_CONCURRENCY": str(workers)}
        with log.open("w") as output:
            self.master = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--config", str(ROOT / "gunicorn.conf.py"),
                 "--chdir", str(ROOT), "--pythonpath", str(BENCH), "baseline:app"],
                cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT)

    def wait_until_up(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.master.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=5):
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError(f"gunicorn did not answer in 60 s:\n{self.log_tail()}")
        found = re.search(r"onething from (\S+)", self.log.read_text(errors="replace"))
        if found:
            self.app_from = found.group(1)

    def log_tail(self, lines: int = 30) -> str:
        """The end of the log, without the access log's lines."""
        logged = self.log.read_text(errors="replace").splitlines()
        return "\n".join([each for each in logged if not each.startswith("127.0.0.1 - ")][-lines:])

    def workers(self) -> list[str]:
        pid = self.master.pid
        return Path(f"/proc/{pid}/task/{pid}/children").read_text().split()

    def from_workers(self, name: str) -> list[str]:
        """A file of /proc for each worker (one that has just exited is left out)."""
        texts = []
        for pid in self.workers():
            try:
                texts.append(Path(f"/proc/{pid}/{name}").read_text())
            except FileNotFoundError:
                continue
        return texts

    def workers_rss_mib(self) -> list[float]:
        return [int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024
                for status in self.from_workers("status")]

    def cpu_ticks(self) -> int:
        """The workers' CPU time so far (user + system), in clock ticks."""
        total = 0
        for stat in self.from_workers("stat"):
            fields = stat.rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime: fields 14 and 15
        return total

    def drain(self, database_busy: Callable[[], bool], limit: float = 600) -> float:
        """Waits until the workers are idle (at most a tick of CPU in a quarter of a second,
        no statement running): a sync worker serves a request wrk left queued though nobody
        reads the answer. The seconds waited."""
        started = time.monotonic()
        while time.monotonic() - started < limit:
            before = self.cpu_ticks()
            time.sleep(0.25)
            if self.cpu_ticks() - before <= 1 and not database_busy():
                return time.monotonic() - started
        raise RuntimeError(f"the workers were still busy after {limit:.0f} s")

    def stop(self) -> None:
        if self.master.poll() is None:
            self.master.terminate()
            try:
                self.master.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.master.kill()
                self.master.wait()

    def check(self, name: str, request: str) -> bytes:
        """The answer to one request line, sent alone, which must be 2xx."""
        method, path, body, *headers = request.split("\t")
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            connection.request(method, path, body=None if body == "-" else body.encode(),
                               headers=dict(header.split(": ", 1) for header in headers))
            response = connection.getresponse()
            status, answer = response.status, response.read()
        except (OSError, http.client.HTTPException) as error:
            raise RuntimeError(f"{name}: {method} {path} got no answer ({error!r}; a worker "
                               f"that took over {TIMEOUT} is killed): --skip {name} leaves it "
                               "out") from error
        finally:
            connection.close()
        if not 200 <= status < 300:
            raise RuntimeError(f"{name}: {method} {path} answered {status}, not 2xx (--skip "
                               f"{name} leaves it out): {answer[:500].decode(errors='replace')}")
        return answer

    def sign_in(self, username: str) -> str:
        """The Cookie header of a session signed in through /login."""
        jar = http.cookiejar.CookieJar()
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        browser.addheaders = [("User-Agent", USER_AGENT)]
        page = browser.open(self.base + "/login", timeout=30).read().decode()
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        form = {"username": username, "password": PASSWORD, "csrf_token": token}
        browser.open(self.base + "/login", data=urlencode(form).encode(), timeout=30)
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


class Machine:
    """How much CPU the machine spent, and how much of it this run did: gunicorn, the
    PostgreSQL backends of its database, wrk and this script."""

    def __init__(self, server: Server, url: str):
        self.server = server
        database = re.escape(psycopg.conninfo.conninfo_to_dict(url)["dbname"])
        self.backend = re.compile(rf"^postgres: [^:]*: \S+ {database} ")
        self.hertz = os.sysconf("SC_CLK_TCK")

    def ticks(self) -> tuple[int, int]:
        """(every process's, this run's), in clock ticks."""
        fields = [int(each) for each in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
        busy = sum(fields[:8]) - fields[3] - fields[4]  # less idle and iowait
        ours = self.server.cpu_ticks()
        for entry in Path("/proc").iterdir():
            try:
                if entry.name.isdigit() and self.backend.match(
                        (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()):
                    stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                    ours += int(stat[11]) + int(stat[12])
            except (OSError, UnicodeDecodeError):
                continue
        for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):  # wrk, once it has exited
            usage = resource.getrusage(who)
            ours += round((usage.ru_utime + usage.ru_stime) * self.hertz)
        return busy, ours

    def others_share(self, before: tuple[int, int], seconds: float) -> float:
        busy, ours = self.ticks()
        others = (busy - before[0]) - (ours - before[1])
        return max(others, 0) / (seconds * self.hertz * (os.cpu_count() or 1))


def wrk(server: Server, work: Path, args: argparse.Namespace, name: str, requests: list[str],
        mode: str = "cycle", connections: int | None = None, seconds: int | None = None
        ) -> Result:
    """One load: wrk with bench/requests.lua over ``requests`` written to a file."""
    connections = connections or args.connections
    machine = Machine(server, args.url)
    before, started = machine.ticks(), time.monotonic()
    path = work / f"{name}.txt"
    path.write_text("\n".join(requests) + "\n", encoding="utf-8")
    command = ["wrk", f"-t{args.threads}", f"-c{connections}", f"-d{seconds or args.duration}s",
               "--timeout", TIMEOUT, "-s", str(BENCH / "requests.lua"), server.base, "--",
               str(path), mode, str(args.threads)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True)
    output, interrupted = [], False
    for text in process.stdout:
        output.append(text)
        # A thread's lines are all answered: its connections, which send nothing more, would
        # hold the workers (bench/requests.lua). SIGINT: wrk stops and reports.
        if text.startswith("bench-finished") and not interrupted:
            process.send_signal(signal.SIGINT)
            interrupted = True
    process.wait()
    found = re.search(r"^bench-result (.*)$", "".join(output), re.MULTILINE)
    if process.returncode != 0 or found is None:
        raise RuntimeError(f"wrk failed on {name} ({process.returncode}):\n{''.join(output)}")
    figures = json.loads(found.group(1))
    return Result(figures["answered"], float(figures["seconds"]), figures["non2xx"],
                  {str(status): count for status, count in figures["statuses"].items()},
                  sum(figures["errors"][kind] for kind in ("connect", "read", "write", "timeout")),
                  figures["p50_us"] / 1000, figures["p99_us"] / 1000, connections,
                  machine.others_share(before, time.monotonic() - started))


# --- The run ----------------------------------------------------------------------------------


def requests_of(picked: Picked, granted: Credentials, cookie: str) -> dict[str, list[str]]:
    clerk = f"Bearer {granted.tokens['bench_clerk']}"
    reviewer = f"Bearer {granted.tokens['bench_reviewer']}"
    supervisor = f"Bearer {granted.tokens['bench_supervisor']}"
    return {
        "bare-read": [line("GET", f"/bench/baseline/read/{number}") for number in picked.sample],
        "plain-read": [line("GET", f"/plain/bench/baseline/read/{number}")
                       for number in picked.sample],
        "citizen": [line("GET", "/api/citizen/application", Authorization=f"Bearer {token}")
                    for token in granted.citizens.values()],
        "clerk": [line("GET", f"/api/applications/{number}", Authorization=clerk)
                  for number in picked.sample],
        "list": [line("GET", "/review", Cookie=cookie)],
        "overdue": [line("GET", "/api/overdue", Authorization=supervisor)],
        "stats": [line("GET", "/api/stats", Authorization=supervisor)],
        "bare-advance": [line("POST", f"/bench/baseline/advance/{number}/{item}")
                         for _, _, number, item in picked.bare],
        "plain-advance": [line("POST", f"/plain/bench/baseline/advance/{number}/{item}")
                          for _, _, number, item in picked.bare],
        "advance": [line("POST", f"/api/applications/{number}/transitions",
                         {"trigger": "start_review", "item": item}, Authorization=reviewer)
                    for _, number, item, _ in picked.advance],
        "create": [line("POST", "/api/applications", granted.intake, Authorization=clerk)],
        "warm-up": [line("GET", f"/api/applications/{number}/transitions", Authorization=clerk)
                    for number in picked.every_bundle] * WARM_UP_READS,
    }


def accept(number: str, granted: Credentials) -> str:
    return line("POST", f"/api/applications/{number}/transitions", {"trigger": "accept"},
                Authorization=f"Bearer {granted.tokens['bench_clerk']}")


@dataclass(frozen=True)
class Measured:
    results: dict[str, Result]  # a baseline's: the median of its loads beside the others
    beside: dict[str, Result]  # the baseline's load just before each request's
    baselines: dict[str, list[Result]]
    warm_rss: list[float]
    rss: list[float]


class Session:
    """One run's server, database and requests, and the loads made with them."""

    def __init__(self, args: argparse.Namespace, work: Path, server: Server,
                 database: Database, picked: Picked, granted: Credentials):
        self.args, self.work, self.server, self.database = args, work, server, database
        self.picked, self.granted = picked, granted
        self.requests: dict[str, list[str]] = {}
        self.alone: dict[str, float] = {}  # ms, each request sent alone
        self.advances = 0  # loads of advances so far
        self.warm_rss: list[float] = []

    def wrk(self, name: str, requests: list[str], mode: str = "cycle",
            connections: int | None = None, seconds: int | None = None) -> Result:
        return wrk(self.server, self.work, self.args, name, requests, mode, connections,
                   seconds)

    def start(self) -> None:
        """The server up, the reviewer signed in, every machine compiled in each worker."""
        self.server.wait_until_up()
        print(f"server     gunicorn, gunicorn.conf.py, {self.args.workers} sync workers, "
              f"bench/baseline.py as the app, onething from {self.server.app_from}")
        self.requests = requests_of(self.picked, self.granted,
                                    self.server.sign_in("bench_reviewer"))
        warm = self.wrk("warm-up", self.requests["warm-up"], "once", seconds=120)
        self.warm_rss = self.server.workers_rss_mib()
        print(f"warm-up    {warm.answered:,} reads of the transitions of "
              f"{len(self.picked.every_bundle)} bundles' applications, {warm.non2xx} not 2xx")

    def check(self, names: list[str]) -> None:
        """Each request sent alone, which must answer 2xx; how long it took."""
        for name in names:
            started = time.perf_counter()
            if name == "intake":
                created = json.loads(self.server.check(name, self.requests["create"][0]))
                self.server.check(name, accept(created["number"], self.granted))
            else:
                self.server.check(name, self.requests[name][0])
                if name == "advance":  # its first item is advanced now
                    self.requests[name] = self.requests[name][1:]
            self.alone[name] = (time.perf_counter() - started) * 1000
            if self.alone[name] > SLOW_MS and name not in ("advance", "intake"):
                started = time.perf_counter()  # once more: the first may have warmed a cache
                self.server.check(name, self.requests[name][0])
                self.alone[name] = min(self.alone[name], (time.perf_counter() - started) * 1000)
        print("alone      each request answers 2xx (ms): "
              + ", ".join(f"{name} {ms:,.0f}" for name, ms in self.alone.items()))

    def load(self, name: str) -> dict[str, Result]:
        slow = self.alone[name] > SLOW_MS
        connections = self.args.workers if slow else self.args.connections
        if name == "intake":
            last = self.database.last_application_id()
            create = self.wrk("create", self.requests["create"], connections=connections)
            self.server.drain(self.database.busy)  # what wrk left queued is created too
            made = self.database.created_since(last, self.args.bundle)
            if not made:
                raise RuntimeError(f"the intake created no application: {create}")
            accepted = self.wrk("accept", [accept(number, self.granted) for number in made],
                                "once", connections)
            return {"intake": pair(create, accepted), "create": create, "accept": accepted}
        if name == "advance":
            return {name: self.wrk(name, self.requests[name], "once", connections)}
        if slow:  # a few, one per worker at a time, each answered
            return {name: self.wrk(name, self.requests[name][:1] * 2 * self.args.workers,
                                   "once", connections,
                                   seconds=int(self.alone[name] / 1000 * 6) + 10)}
        return {name: self.wrk(name, self.requests[name], "cycle", connections)}

    def settled(self, name: str) -> dict[str, Result]:
        """A load, once the workers are idle again, with what it changed undone."""
        if name == "advance":
            self.advances += 1
            if self.advances > 1:  # its items were advanced by the load before
                self.database.open_advance_items(again=True)
        loaded = self.load(name)
        waited = self.server.drain(self.database.busy)
        if name in ("bare-advance", "plain-advance"):  # its last request served
            self.database.undo_bare_advance()
        print(f"loaded     {name}: {loaded[name].rate:,.1f} req/s, others "
              f"{loaded[name].others:.0%}; the workers idle {waited:.1f} s later",
              file=sys.stderr)
        return loaded

    def measure(self, names: list[str]) -> Measured:
        """Each request's load after its baseline's (--repeat times, keeping the pair during
        which others used least); a baseline's row, the median of its loads."""
        results, beside, baselines = {}, {}, defaultdict(list)
        for name in names:
            base = BESIDE.get(name)
            if base is None and any(BESIDE.get(other) == name for other in names):
                continue  # loaded beside each of those instead
            attempts = []
            for _ in range(self.args.repeat):
                attempt = {"beside": self.settled(base)[base]} if base else {}
                attempts.append({**attempt, **self.settled(name)})
            chosen = dict(min(attempts, key=lambda each, name=name: max(
                each[name].others, each["beside"].others if "beside" in each else 0)))
            if base:
                beside[name] = chosen.pop("beside")
                baselines[base] += [each["beside"] for each in attempts]
            results.update(chosen)
        for base, loads in baselines.items():
            results[base] = sorted(loads, key=lambda each: each.rate)[len(loads) // 2]
        return Measured(results, beside, dict(baselines), self.warm_rss,
                        self.server.workers_rss_mib())


def run(args: argparse.Namespace, work: Path) -> Measured:
    names = selected(args.only, args.skip)
    picked = pick(args.url, args.department, args.sample,
                  ADVANCE_PER_SECOND * args.duration + 1)  # one more for the check
    granted = credentials(args.url, picked.department, picked.sample, args.bundle)
    database = Database(args.url, picked)
    reviewing = sum(state == "reviewing" for _, _, _, state in picked.advance)
    print(f"database   {picked.applications:,} applications; PostgreSQL {picked.server_version}; "
          f"migration {picked.schema}")
    print(f"accounts   bench_clerk; bench_reviewer and bench_supervisor of {picked.department}")
    print(f"advance    {len(picked.advance):,} items of {picked.department} to start "
          f"({len(picked.advance) - reviewing:,} open, {reviewing:,} under review set back "
          f"to open); bare advance: {len(picked.bare):,} items elsewhere, cycled")
    server = Server(args.url, args.workers, work / "gunicorn.log")
    session = Session(args, work, server, database, picked, granted)
    try:
        session.start()
        if "advance" in names:
            database.open_advance_items()
        session.check(names)
        measured = session.measure(names)
        if any(status.startswith("5") for result in measured.results.values()
               for status in result.statuses):
            print(f"\nserver errors; gunicorn's log, its end:\n{server.log_tail()}",
                  file=sys.stderr)
    except BaseException:
        print(f"\ngunicorn's log, its end:\n{server.log_tail()}", file=sys.stderr)
        raise
    finally:
        server.stop()
        database.undo()
    return measured


def report(args: argparse.Namespace, measured: Measured) -> None:
    results, beside = measured.results, measured.beside
    headers = ["request", "req/s", "p50 ms", "p99 ms", "non-2xx", "s", "others", "beside",
               "ratio", "p99 ratio", "target"]
    rows = []
    for name in [*NAMES[:NAMES.index("intake") + 1], "create", "accept"]:
        if name not in results:
            continue
        result, base = results[name], beside.get(name)
        ratio = times(result.rate / base.rate) if base and base.rate else ""
        p99_ratio = (times(result.p99_ms / base.p99_ms)
                     if base and base.p99_ms and name == "advance" else "")
        rows.append([LABELS[name], f"{result.rate:,.1f}", f"{result.p50_ms:,.1f}",
                     f"{result.p99_ms:,.1f}", f"{result.non2xx:,}",
                     "" if name == "intake" else f"{result.seconds:.1f}",
                     "" if name == "intake" else f"{result.others:.0%}",
                     f"{BESIDE[name]} {base.rate:,.0f}" if base else "", ratio, p99_ratio,
                     target(name, result, base)])
    widths = [max(len(header), *(len(row[i]) for row in rows)) for i, header in enumerate(headers)]

    def text(row: list[str]) -> str:
        return " | ".join(cell.ljust(width) if i in (0, 7, 10) else cell.rjust(width)
                          for i, (cell, width) in enumerate(zip(row, widths, strict=True)))

    print(f"\nwrk -t{args.threads} -c{args.connections} -d{args.duration}s, gunicorn "
          f"{args.workers} sync workers" + (f", best of {args.repeat}" if args.repeat > 1 else ""))
    print(text(headers))
    print("-" * len(text(headers)))
    for row in rows:
        print(text(row))
    for base, loads in measured.baselines.items():
        print(f"{base}: loaded before each request beside it; its row is the median of "
              f"{len(loads)} loads ({min(each.rate for each in loads):,.0f}–"
              f"{max(each.rate for each in loads):,.0f} req/s)")
    for name, result in results.items():
        if result.connections != args.connections and name not in ("create", "accept"):
            print(f"{name}: over {SLOW_MS:,} ms alone, so {result.answered} requests, "
                  f"{result.connections} at a time (one per worker)")
        if result.non2xx or result.socket_errors:
            print(f"{name}: statuses {result.statuses}, socket errors {result.socket_errors}")
    plain = []
    for name in TARGETS:
        base = BESIDE[name]
        hooks = PLAIN[base]  # the plain baseline, beside its own load of the mounted one
        if name in results and hooks in results:
            ours = results[name].rate / beside[name].rate
            plain.append(f"{name} {times(ours * beside[hooks].rate / results[hooks].rate)}")
    if plain:
        print("beside the plain Flask baselines (through the ratio of each to its mounted "
              "twin): " + "; ".join(plain))
    for when, sizes in (("after the warm-up (every machine compiled)", measured.warm_rss),
                        ("after the run", measured.rss)):
        verdict = "met" if max(sizes, default=0) < RSS_TARGET_MIB else "missed"
        print(f"workers' RSS {when}: " + ", ".join(f"{size:.1f}" for size in sizes)
              + f" MiB (target < {RSS_TARGET_MIB}: {verdict})")


def times(ratio: float) -> str:
    """Two decimals; three below 0.1; below 0.001, that it is."""
    if ratio < 0.001:
        return "< 0.001×"
    return f"{ratio:.2f}×" if ratio >= 0.1 else f"{ratio:.3f}×"


def target(name: str, result: Result, beside: Result | None) -> str:
    if name not in TARGETS or beside is None:
        return ""
    rate, p99 = TARGETS[name]
    met = result.rate >= rate * beside.rate
    wanted = f"≥ {rate:.2f}×"
    if p99 is not None:
        met = met and result.p99_ms <= p99 * beside.p99_ms
        wanted += f", p99 ≤ {p99:g}×"
    return f"{wanted}: {'met' if met else 'missed'}"


def git(*command: str) -> str:
    try:
        return subprocess.run(["git", "-C", str(ROOT), *command], capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def main() -> None:
    args = arguments()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")
    sys.path.insert(0, str(ROOT))  # this tree's service, also in a worktree of the repository
    logging.disable(logging.INFO)  # create_app logs at INFO
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop gunicorn on the way out
    revision = git("rev-parse", "--short", "HEAD") or "unknown"
    changed = " with uncommitted changes" if git("status", "--porcelain",
                                                 "--untracked-files=no") else ""
    print(f"revision   {revision}{changed} ({git('show', '-s', '--format=%ci', 'HEAD')}), "
          f"{ROOT}")
    print(f"run        {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory(prefix="onething-bench-") as work:
        measured = run(args, Path(work))
    report(args, measured)
    print(f"load average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
