"""Web load on loopback: 138 practices upload their return at once while 20 users view dashboards,
returns are accepted every 5 s, and a gunicorn worker and the task worker are killed mid-burst.

Everything runs on 127.0.0.1 only: a fresh SQLite database (or ``DATABASE_URL``: an empty
PostgreSQL database), gunicorn with the repository's ``gunicorn.conf.py`` (2 gthread worker
processes, dev settings) and one task worker (``db_worker``); 138 + 20 client threads (the
uploaders in a client process of their own, the viewers in another). As deployed (decision 0072,
``GPW_BENCH_TOPOLOGY=split``, the default) the uploads go to a second gunicorn group of 2
processes in the idle CPU class (``GUNICORN_CPU_PRIORITY=idle``, decision 0110;
``GPW_BENCH_UPLOAD_PRIORITY`` sets another), as the reverse proxy would send them, and the task
worker runs at its own default priority (nice 10); ``GPW_BENCH_TOPOLOGY=one`` serves everything
from the one group (the demo, and the alternative).

The burst starts once the task worker has computed the ICB and sub-ICB dashboards (reported on
/healthz). Then, at the same instant: the 138 practices upload their XLSX return (a client whose
connection is cut retries, as a person would); 20 viewers keep viewing the ICB and sub-ICB
dashboards; a third process accepts one return every ``CHANGE_EVERY`` seconds (``CHANGES`` in
all; the system import of a return of 12 further practices of the same round, so each changes
what the dashboards over that practice show) and notes when each committed. ``KILL_WEB_AT``
seconds in, one gunicorn worker is killed with SIGKILL (gunicorn starts another); ``KILL_TASKS_AT``
seconds in, the task worker is killed with SIGKILL and started again a second later, as a
supervisor would. The viewers go on for ``CATCH_UP`` seconds after the last acceptance.

Measures: submissions lost (every practice's return stored, with the bytes it sent), the
dashboard latency during the upload burst and over the whole run, views cut by the killed worker,
each viewer's first view of the burst (the 20 arrive together: the first render of each page in
each page process, decision 0149), and currency: for each acceptance, the time from its commit
until a viewer of each dashboard is answered with figures current for it (the
``X-Dashboard-Figures`` header); the target is on the last acceptance. Then the viewers alone, the control (the viewers alone at the run's pace: what
the page views cost without uploads or acceptances), and the first view of each dashboard after
a change. The CPU seconds each kind of process used during the burst and the control are read
from ``/proc``; ``GPW_BENCH_PYSPY`` (the path of py-spy) also samples which thread of each
gunicorn worker holds the interpreter's lock during the burst.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import multiprocessing
import multiprocessing.queues
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

from benchmarks.common import Result

PRACTICES = 138
EXTRA = 12  # practices of the same round whose returns are accepted during the run (system import)
VIEWERS = 20
VIEWS_PER_USER = 15
WORKERS = 2  # server processes sharing the port (the machine has 2 cores)
# "split" (the deployment in docs/deploy.md): the reverse proxy sends upload POSTs to a gunicorn
# process group of their own at a lower CPU priority (decision 0072); "one": a single group
# serves everything (the obvious alternative, and the demo).
TOPOLOGY = os.environ.get("GPW_BENCH_TOPOLOGY", "split")
UPLOAD_WORKERS = 2
# The upload group's CPU priority, as docs/deploy.md sets it (GUNICORN_CPU_PRIORITY, decision 0110:
# the idle class); a nice value 0-19 instead measures the alternative (0072 had nice 10).
UPLOAD_PRIORITY = os.environ.get("GPW_BENCH_UPLOAD_PRIORITY", "idle")
# A diagnosis, not the scenario: the page group's CPU priority (e.g. -5, as root) shows what the
# page views cost when they come before everything else on the machine (other users' work too).
PAGE_NICE = int(os.environ.get("GPW_BENCH_PAGE_NICE", "0"))
THINK_SECONDS = (0.5, 1.5)  # a viewer reads each page for a while (uniform, seeded) before the next
BURST_PACE = 4  # during the run the viewers read each page for a quarter of that
# Seconds between acceptances, and how many (the scenario: one every 5 s).
CHANGE_EVERY = float(os.environ.get("GPW_BENCH_CHANGE_EVERY", "5"))
CHANGES = int(os.environ.get("GPW_BENCH_CHANGES", "8"))
KILL_WEB_AT = 1.5  # seconds into the burst: SIGKILL to one gunicorn worker
KILL_TASKS_AT = 3.0  # seconds into the burst: SIGKILL to the task worker (restarted 1 s later)
RESTART_AFTER = 1.0
CATCH_UP = 20.0  # the viewers go on this long after the last acceptance
CURRENCY_TARGET = 10.0  # seconds from the last acceptance until every dashboard is current
ORGS = ("QK1", "00B", "01B", "02B")
FIGURES_HEADER = "X-Dashboard-Figures"

SETUP = textwrap.dedent(
    """
    import datetime as dt, json, sys, time
    import django
    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    call_command("migrate", verbosity=0)
    # the accounts' passwords are never used (sessions are made below): a fast hash for seeding
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from gpworkforce.domain.orgs import Organisation, OrgRegistry, OrgType, ParentLink
    from gpworkforce.web.actions.registry import load_registry
    from gpworkforce.web.actions.rounds import open_round
    from gpworkforce.web.actions.users import create_user, system_account
    from gpworkforce.web.actions.returns import import_accepted
    from gpworkforce.web.models import PracticeReturnRecord, User
    from gpworkforce.web.roles import Role
    from gpworkforce.web.signin import SEEN_KEY, STARTED_KEY
    from gpworkforce.web.testing import sample_return
    n = int(sys.argv[1]); viewers = int(sys.argv[2]); extra = int(sys.argv[3])
    orgs = [Organisation("QK1", "Bench ICB", OrgType.ICB)]
    links = []
    for s in range(3):
        orgs.append(Organisation(f"0{s}B", f"Sub-ICB {s}", OrgType.SUB_ICB)); links.append(ParentLink(f"0{s}B", "QK1"))
    codes = [f"B{i:05d}" for i in range(n)]
    late = [f"X{i:05d}" for i in range(extra)]  # their returns are accepted during the run
    for i, c in enumerate(codes + late):
        orgs.append(Organisation(c, f"Practice {i}", OrgType.PRACTICE)); links.append(ParentLink(c, f"0{i % 3}B"))
    load_registry(OrgRegistry.build(orgs, links), actor=None, source="bench")
    importer = system_account(username="system-import")
    june, sept = dt.date(2017, 6, 30), dt.date(2017, 9, 30)
    r1 = open_round(actor=None, census_date=june, org_code="QK1")
    for rec in PracticeReturnRecord.objects.filter(round=r1):
        import_accepted(importer=importer, record_id=rec.pk, data=sample_return(rec.practice_id, june), sha256="0" * 64, file_name="bench")
    open_round(actor=None, census_date=sept, org_code="QK1")
    # one return of the September round accepted before the run, as in a round under way
    first = PracticeReturnRecord.objects.get(round__census_date=sept, practice_id=late[0])
    import_accepted(importer=importer, record_id=first.pk, data=sample_return(late[0], sept, gp_sessions=30.0), sha256="2" * 64, file_name="bench")
    def session(user):
        s = SessionStore()
        s[SESSION_KEY] = str(user.pk); s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        s[HASH_SESSION_KEY] = user.get_session_auth_hash()
        s[STARTED_KEY] = s[SEEN_KEY] = time.time()  # as after signing in
        s.create()
        return s.session_key
    out = {"practices": [], "viewers": []}
    for c in codes:
        u = create_user(actor=None, username=f"sub-{c}", password="x-unused-password-1", role=Role.PRACTICE_SUBMITTER, org_code=c)
        rec = PracticeReturnRecord.objects.get(round__census_date=sept, practice_id=c)
        out["practices"].append({"code": c, "return": rec.pk, "session": session(u)})
    for v in range(viewers):
        u = create_user(actor=None, username=f"viewer-{v}", password="x-unused-password-1", role=Role.ICB_ANALYST, org_code="QK1")
        out["viewers"].append({"session": session(u), "org": ["QK1", "00B", "01B", "02B"][v % 4]})
    print(json.dumps(out))
    """
)

CHANGER = textwrap.dedent(
    """
    import datetime as dt, sys, time
    from pathlib import Path
    import django
    django.setup()
    from gpworkforce.web.actions.returns import import_accepted
    from gpworkforce.web.actions.users import system_account
    from gpworkforce.web.jobs.models import snapshot
    from gpworkforce.web.models import PracticeReturnRecord
    from gpworkforce.web.testing import sample_return
    stop, every, limit = Path(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
    importer = system_account(username="system-import")
    sept = dt.date(2017, 9, 30)
    done = 0
    waiting = PracticeReturnRecord.objects.filter(round__census_date=sept, state="draft", practice__code__startswith="X")
    for rec in waiting.order_by("pk"):
        if stop.exists() or done >= limit:
            break
        if done:
            time.sleep(every)
        data = sample_return(rec.practice_id, sept, gp_sessions=20.0 + 4 * done)
        import_accepted(importer=importer, record_id=rec.pk, data=data, sha256="1" * 64, file_name="bench-change")
        done += 1
        print("change", done, snapshot().number, time.time(), rec.practice_id, flush=True)
    print("changes", done, flush=True)
    """
)


def _change_data(db: Path, stop: Path, every: float, limit: int) -> subprocess.Popen[str]:
    """Accept returns of the extra practices, one every ``every`` s, until ``stop`` exists."""
    return subprocess.Popen(
        [sys.executable, "-c", CHANGER, str(stop), str(every), str(limit)],
        env=_env(db),
        stdout=subprocess.PIPE,
        text=True,
    )


def _changes_made(proc: subprocess.Popen[str]) -> list[tuple[int, float, str]]:
    """(data version number, commit time, practice) of each acceptance."""
    out, _ = proc.communicate(timeout=600)
    if proc.returncode != 0:
        raise RuntimeError("the data-change process failed")
    made = []
    for line in out.splitlines():
        if line.startswith("change "):
            _, _, number, at, practice = line.split()
            made.append((int(number), float(at), practice))
    return made


def _env(db: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(DJANGO_SETTINGS_MODULE="gpworkforce.web.settings.dev", GPWORKFORCE_WEB_DB=str(db))
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _request(
    port: int,
    method: str,
    path: str,
    session: str,
    body: bytes = b"",
    ctype: str = "",
    csrf: str = "",
) -> tuple[int, float]:
    status, elapsed, _, _, _ = _request_body(port, method, path, session, body, ctype, csrf)
    return status, elapsed


def _request_body(
    port: int,
    method: str,
    path: str,
    session: str,
    body: bytes = b"",
    ctype: str = "",
    csrf: str = "",
) -> tuple[int, float, bytes, float, str]:
    """Status, wall seconds at the client, body, the app's own milliseconds (Server-Timing)
    and the figures' state (``X-Dashboard-Figures``)."""
    headers = {
        "Cookie": f"sessionid={session}" + (f"; csrftoken={csrf}" if csrf else ""),
        "Host": f"127.0.0.1:{port}",
    }
    if body:
        headers["Content-Type"] = ctype
    con = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    t0 = time.perf_counter()
    try:
        con.request(method, path, body=body or None, headers=headers)
        resp = con.getresponse()
        content = resp.read()
    finally:
        con.close()
    elapsed = time.perf_counter() - t0
    timing = resp.getheader("Server-Timing") or ""
    app_ms = float(timing.split("dur=")[1]) if "dur=" in timing else float("nan")
    return resp.status, elapsed, content, app_ms, resp.getheader(FIGURES_HEADER) or ""


def _multipart(fields: dict[str, str], file_name: str, content: bytes) -> tuple[bytes, str]:
    boundary = "----bench" + secrets.token_hex(8)
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{file_name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _viewers_only(
    port: int, viewers: list[dict[str, str]], pace: float = 1.0, views: int = VIEWS_PER_USER
) -> tuple[list[float], list[float]]:
    """Dashboard latencies at the client and inside the app with the 20 viewers alone (no
    uploads, no acceptances), each reading a page for ``THINK_SECONDS / pace`` between views."""
    out: list[float] = []
    app: list[float] = []
    lock = threading.Lock()

    def view(v: dict[str, str]) -> None:
        rng = random.Random(v["session"])
        for _ in range(views):
            status, elapsed, _, app_ms, _ = _request_body(
                port, "GET", f"/dashboards/{v['org']}/", v["session"]
            )
            with lock:
                out.append(elapsed if status == 200 else float("inf"))
                app.append(app_ms)
            time.sleep(rng.uniform(*THINK_SECONDS) / pace)

    threads = [threading.Thread(target=view, args=(v,)) for v in viewers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(out), sorted(app)


def _upload_all(
    port: int,
    practices: list[dict[str, object]],
    uploads: dict[str, bytes],
    go: object,
    results: object,
) -> None:
    """In the uploaders' own process: every practice uploads its return at the same instant; a
    connection cut before the answer (the killed worker) is tried again, as a person would."""
    statuses: list[int] = []
    retried: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(len(practices) + 1)

    def submit(p: dict[str, object]) -> None:
        csrf = secrets.token_hex(16)
        body, ctype = _multipart(
            {"csrfmiddlewaretoken": csrf}, f"{p['code']}.xlsx", uploads[str(p["code"])]
        )
        start.wait()
        status = 0
        for _attempt in range(5):
            try:
                status, _ = _request(
                    port,
                    "POST",
                    f"/returns/{p['return']}/upload/",
                    str(p["session"]),
                    body,
                    ctype,
                    csrf,
                )
                break
            except (OSError, http.client.HTTPException):
                with lock:
                    retried.append(str(p["code"]))
                time.sleep(0.5)
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=submit, args=(p,)) for p in practices]
    for t in threads:
        t.start()
    results.put("ready")  # type: ignore[attr-defined]
    go.wait()  # type: ignore[attr-defined]
    start.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    results.put((statuses, retried, time.perf_counter() - t0))  # type: ignore[attr-defined]


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds a process has used so far (None once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _machine_busy() -> float:
    """CPU seconds every process on the machine has used so far (all cores, all users)."""
    values = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    return (sum(values) - values[3] - values[4]) / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """CPU seconds used by each role's processes over a stretch of time, sampled every 0.2 s
    (a process killed in between counts up to its last sample; one started later from zero)."""

    def __init__(self, roles: dict[str, object]) -> None:
        self.roles = roles  # role -> callable returning its pids now
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.role_of: dict[int, str] = {}
        self.stop = threading.Event()
        self.machine = _machine_busy()
        self.wall = time.perf_counter()
        self._sample(start=True)
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def _sample(self, start: bool = False) -> None:
        for role, pids in self.roles.items():
            for pid in pids():  # type: ignore[operator]
                cpu = _cpu_seconds(pid)
                if cpu is None:
                    continue
                self.role_of[pid] = role
                self.first.setdefault(pid, cpu if start else 0.0)
                self.last[pid] = cpu

    def _loop(self) -> None:
        while not self.stop.wait(0.2):
            self._sample()

    def finish(self) -> str:
        self.stop.set()
        self.thread.join()
        self._sample()
        wall = time.perf_counter() - self.wall
        machine = _machine_busy() - self.machine
        used: dict[str, float] = {}
        for pid, role in self.role_of.items():
            used[role] = used.get(role, 0.0) + self.last[pid] - self.first[pid]
        parts = [f"{role} {sec:.1f} s" for role, sec in used.items()]
        others = machine - sum(used.values())
        return (
            f"CPU over {wall:.1f} s of wall time ({2 * wall:.1f} core-s on 2 cores): "
            + ", ".join(parts)
            + f", the rest of the machine {others:.1f} s"
        )


def _profile(pids: list[int], out: Path, seconds: int) -> list[subprocess.Popen[bytes]]:
    """``GPW_BENCH_PYSPY`` (the py-spy executable): sample which thread of each web worker holds
    the interpreter's lock during the burst, as collapsed stacks (``pyspy-<pid>.txt``)."""
    spy = os.environ.get("GPW_BENCH_PYSPY")
    if not spy:
        return []
    how = ["--duration", str(seconds), "--rate", "50", "--nonblocking", "--gil", "--format", "raw"]
    return [
        subprocess.Popen(
            [spy, "record", "--pid", str(pid), *how, "-o", str(out / f"pyspy-{pid}.txt")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for pid in pids
    ]


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[int(0.95 * (len(ordered) - 1))] * 1000


def _database_backends() -> list[int]:
    """PostgreSQL's server processes serving this run's database (``DATABASE_URL``), if any: the
    part of each request's work done by the database, outside the web processes."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return []
    name = url.rsplit("/", 1)[-1].split("?")[0]
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if command.startswith(b"postgres: ") and f" {name} ".encode() in command:
            found.append(int(entry.name))
    return found


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(x) for x in path.read_text().split()] if path.exists() else []


def _start_gunicorn(
    db: Path, port: int, workers: int, nice: int, log: object, priority: str = ""
) -> subprocess.Popen[bytes]:
    """gunicorn with the repository's ``gunicorn.conf.py`` on ``port``, at CPU priority ``nice``
    (the workers lower theirs to ``priority``, ``GUNICORN_CPU_PRIORITY``, if given)."""
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    command = [gunicorn, "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"]
    env = _env(db)
    if priority:
        env["GUNICORN_CPU_PRIORITY"] = priority
    return subprocess.Popen(
        ["nice", "-n", str(nice), *command, "--workers", str(workers)],
        cwd=Path(__file__).resolve().parents[1],
        env=env,
        stdout=log,  # type: ignore[arg-type]
        stderr=subprocess.STDOUT,
        start_new_session=True,  # the workers share a process group, stopped together
    )


def _start_worker(db: Path, log: object) -> subprocess.Popen[bytes]:
    """The task worker that computes the dashboards (Django Tasks, database backend), as the demo."""
    return subprocess.Popen(
        [sys.executable, "-m", "gpworkforce.web", "db_worker", "--no-reload", "--interval", "0.2"],
        cwd=Path(__file__).resolve().parents[1],
        env=_env(db),
        stdout=log,  # type: ignore[arg-type]
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _version_of(header: str) -> int | None:
    """The data version number the figures are current for, or None (being updated)."""
    if not header.startswith("current; version="):
        return None
    return int(header.rsplit(".", 1)[1])


def _currency(
    changes: list[tuple[int, float, str]], views: list[tuple[float, float, str, int | None]]
) -> list[float]:
    """For each acceptance: seconds from its commit until every dashboard had been answered
    current for it (or a later version), the worst dashboard; inf if one never was."""
    out = []
    for number, at, _practice in changes:
        worst = 0.0
        for org in ORGS:
            ends = [
                e for s, e, o, v in views if o == org and v is not None and v >= number and e >= at
            ]
            worst = max(worst, (min(ends) - at) if ends else float("inf"))
        out.append(worst)
    return out


def run() -> list[Result]:
    tmp = Path(tempfile.mkdtemp(prefix="gpw-web-load-"))
    db = tmp / "load.sqlite3"
    os.environ.update(_env(db))
    import django

    django.setup()
    from gpworkforce.returns import return_xlsx_bytes
    from gpworkforce.web.testing import CENSUS, sample_return

    setup = subprocess.run(
        [sys.executable, "-c", SETUP, str(PRACTICES), str(VIEWERS), str(EXTRA)],
        env=_env(db),
        capture_output=True,
        text=True,
        check=True,
        timeout=900,
    )
    world = json.loads(setup.stdout.strip().splitlines()[-1])
    port = _free_port()
    # the server's own log (errors included) next to the database, kept for a closer look
    server_log = (tmp / "server.log").open("wb")
    server = _start_gunicorn(db, port, WORKERS, PAGE_NICE, server_log)
    servers = [server]
    upload_port = port
    if TOPOLOGY == "split":  # the proxy sends upload POSTs to a process group of their own
        upload_port = _free_port()
        servers.append(
            _start_gunicorn(db, upload_port, UPLOAD_WORKERS, 0, server_log, UPLOAD_PRIORITY)
        )
    workers = [_start_worker(db, server_log)]
    stop_viewing = threading.Event()
    load: dict[str, float] = {"before": os.getloadavg()[0]}
    try:
        for p in {port, upload_port}:
            for _ in range(300):
                try:
                    socket.create_connection(("127.0.0.1", p), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.2)
        # The seeding's data changes enqueued their refreshes; the burst starts once the task
        # worker has computed the top dashboards of the last one (no dashboard is requested).
        t_ready = time.perf_counter()
        while time.perf_counter() - t_ready < 180:
            status, _, page, _, _ = _request_body(port, "GET", "/healthz", "")
            if status == 200 and json.loads(page).get("dashboards_ready") is True:
                break
            time.sleep(0.05)
        ready_seconds = time.perf_counter() - t_ready
        uploads = {
            p["code"]: return_xlsx_bytes(sample_return(p["code"], CENSUS))
            for p in world["practices"]
        }
        latencies: list[float] = []  # during the upload burst
        everything: list[float] = []  # the whole run
        app_times: list[float] = []  # the app's own milliseconds (Server-Timing), during the burst
        updating: list[bool] = []  # burst views answered with figures being updated
        # each viewer's first view: all arrive together, the first renders of each page in each
        # process (decision 0149); client seconds, in-app milliseconds
        firsts: list[tuple[float, float]] = []
        cut: list[str] = []  # views whose connection the killed worker cut
        seen: list[tuple[float, float, str, int | None]] = []  # (start, end, org, version)
        # every view's start, client and in-app seconds, dashboard, figures (GPW_BENCH_TRACE)
        detail: list[tuple[float, float, float, str, str]] = []
        lock = threading.Lock()
        ctx = multiprocessing.get_context("fork")
        go = ctx.Event()
        results: multiprocessing.queues.SimpleQueue[object] = ctx.SimpleQueue()
        uploader = ctx.Process(
            target=_upload_all, args=(upload_port, world["practices"], uploads, go, results)
        )
        uploader.start()
        ready = results.get()  # the uploader's threads are waiting at their barrier
        assert ready == "ready"
        start = threading.Barrier(VIEWERS + 1)
        uploads_done = threading.Event()

        def view(v: dict[str, str]) -> None:
            rng = random.Random(v["session"])
            first = True
            start.wait()
            while not stop_viewing.is_set():
                began = time.time()
                try:
                    status, elapsed, _page, app_ms, figs = _request_body(
                        port, "GET", f"/dashboards/{v['org']}/", v["session"]
                    )
                except (OSError, http.client.HTTPException) as exc:
                    with lock:
                        cut.append(type(exc).__name__)
                    time.sleep(0.1)
                    continue
                in_burst = not uploads_done.is_set()
                with lock:
                    value = elapsed if status == 200 else float("inf")
                    everything.append(value)
                    seen.append((began, time.time(), v["org"], _version_of(figs)))
                    detail.append((began, elapsed, app_ms / 1000, v["org"], figs))
                    if in_burst:
                        latencies.append(value)
                        app_times.append(app_ms)
                        updating.append(figs == "updating")
                    if first:
                        firsts.append((value, app_ms))
                first = False
                time.sleep(rng.uniform(*THINK_SECONDS) / BURST_PACE)  # busier than usual

        threads = [threading.Thread(target=view, args=(v,), daemon=True) for v in world["viewers"]]
        stop = tmp / "stop-changes"
        for t in threads:
            t.start()
        start.wait()
        changer = _change_data(db, stop, CHANGE_EVERY, CHANGES)
        meter = CpuMeter(
            {
                "page workers": lambda: _children(server.pid),
                "upload workers": lambda: [p for u in servers[1:] for p in _children(u.pid)],
                "task worker": lambda: [w.pid for w in workers if w.poll() is None],
                "uploading client": lambda: [uploader.pid] if uploader.pid else [],
                "viewing client": lambda: [os.getpid()],
                "PostgreSQL backends": _database_backends,
            }
        )
        spies = _profile([p for u in servers for p in _children(u.pid)], tmp, 15)
        t0 = time.perf_counter()
        burst_began = time.time()
        go.set()
        # mid-burst: SIGKILL to one gunicorn worker (its arbiter starts another), then to the
        # task worker (started again a second later, as a supervisor would)
        time.sleep(KILL_WEB_AT)
        killed_web = [p for u in servers for p in _children(u.pid)[:1]]
        for pid in killed_web:
            os.kill(pid, signal.SIGKILL)
        time.sleep(max(KILL_TASKS_AT - (time.perf_counter() - t0), 0))
        os.killpg(workers[-1].pid, signal.SIGKILL)
        workers[-1].wait()
        killed_tasks_at = time.perf_counter() - t0
        time.sleep(RESTART_AFTER)
        workers.append(_start_worker(db, server_log))
        statuses, retried, burst = results.get()  # type: ignore[misc]
        uploader.join()
        uploads_done.set()
        load["burst"] = os.getloadavg()[0]
        burst_cpu = meter.finish()
        for spy in spies:
            spy.wait()
        changes = _changes_made(changer)
        time.sleep(CATCH_UP)
        stop_viewing.set()
        for t in threads:
            t.join()
        load["end"] = os.getloadavg()[0]
        idle, _ = _viewers_only(port, world["viewers"])  # steady state: the viewers alone
        # the control: the viewers at the burst's pace, with no uploads and no acceptances
        load["control"] = os.getloadavg()[0]
        control_cpu = CpuMeter(
            {
                "page workers": lambda: _children(server.pid),
                "task worker": lambda: [w.pid for w in workers if w.poll() is None],
                "viewing client": lambda: [os.getpid()],
                "PostgreSQL backends": _database_backends,
            }
        )
        paced, paced_app = _viewers_only(port, world["viewers"], BURST_PACE, 2 * VIEWS_PER_USER)
        control_note = control_cpu.finish()
        # first views after one more change, nothing else running
        _changes_made(_change_data(db, stop, 0.0, 1))
        first: list[float] = []
        for org in ORGS:
            status, elapsed = _request(
                port, "GET", f"/dashboards/{org}/", world["viewers"][0]["session"]
            )
            first.append(elapsed * 1000 if status == 200 else float("inf"))
    finally:
        stop_viewing.set()
        for u in servers:
            os.killpg(u.pid, signal.SIGTERM)
        for w in workers:
            if w.poll() is None:
                os.killpg(w.pid, signal.SIGTERM)
        for u in servers:
            u.wait(timeout=30)
        for w in workers:
            w.wait(timeout=30)
        server_log.close()
    check = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, django; django.setup();"
            "from gpworkforce.web.models import ReturnVersion;"
            "rows = ReturnVersion.objects.filter(practice_return__round__census_date='2017-09-30',"
            " practice_return__practice__code__startswith='B')"
            ".values_list('practice_return__practice_id', 'sha256');"
            "print(json.dumps([list(r) for r in rows]))",
        ],
        env=_env(db),
        capture_output=True,
        text=True,
        check=True,
    )
    stored: dict[str, list[str]] = {}
    for code, sha in json.loads(check.stdout):
        stored.setdefault(code, []).append(sha)
    sent = {code: hashlib.sha256(content).hexdigest() for code, content in uploads.items()}
    lost = [c for c in sent if sent[c] not in stored.get(c, [])]
    doubled = sum(1 for shas in stored.values() if len(shas) > 1)
    if os.environ.get("GPW_BENCH_TRACE"):  # every view, for a closer look
        Path(os.environ["GPW_BENCH_TRACE"]).write_text(
            json.dumps(
                {
                    "views": seen,
                    "changes": changes,
                    "detail": detail,
                    "burst": [burst_began, burst],
                    "killed_tasks_at": killed_tasks_at,
                }
            )
        )
    ok = sum(1 for s in statuses if s == 302)
    lat = sorted(latencies)
    currency = _currency(changes, seen)
    loads = ", ".join(f"{k} {v:.1f}" for k, v in load.items())
    return [
        Result(
            "server start -> top dashboards computed by the task worker",
            ready_seconds,
            "s",
            180,
            note="the seeding's data changes, each with its refresh, run first",
        ),
        Result("uploads answered 302 (accepted)", ok, "uploads", PRACTICES, lower_is_better=False),
        Result(
            "submissions lost (a practice's uploaded bytes not stored)",
            len(lost),
            "uploads",
            0,
            note=f"{len(stored)} practices stored; {len(set(retried))} retried after the "
            f"killed worker cut them; {doubled} stored twice",
        ),
        Result(
            "upload burst wall time (138 concurrent XLSX uploads)",
            burst,
            "s",
            note=burst_cpu + (f"; py-spy samples in {tmp}" if spies else ""),
        ),
        Result(
            "dashboard p95 during the burst",
            _p95(lat),
            "ms",
            300,
            note=f"p50 {statistics.median(lat) * 1000:.0f} ms, max {lat[-1] * 1000:.0f} ms, "
            f"{len(lat)} views by {VIEWERS} users; load average {loads}; topology {TOPOLOGY}, page "
            f"group at nice {PAGE_NICE}, upload group at {UPLOAD_PRIORITY}, task worker at "
            f"{os.environ.get('GPWORKFORCE_TASK_CPU_PRIORITY') or 'its default'}",
        ),
        Result(
            "dashboard p95 during the burst inside the app (Server-Timing)",
            sorted(app_times)[int(0.95 * (len(app_times) - 1))],
            "ms",
            note="the rest of the client's time is waiting to be accepted and transferred",
        ),
        Result(
            "each viewer's first view of the burst, median (client)",
            statistics.median(f for f, _ in firsts) * 1000,
            "ms",
            note=f"max {max(f for f, _ in firsts) * 1000:.0f} ms, in the app median "
            f"{statistics.median(a for _, a in firsts):.0f} ms; {len(firsts)} views arriving "
            "together, the first render of each page in each process; "
            f"{sum(1 for f, _ in firsts if f >= 0.3)} of them at 300 ms or more",
        ),
        Result(
            "views during the burst showing figures being updated",
            sum(updating),
            "views",
            note=f"of {len(updating)}",
        ),
        Result(
            "dashboard p95 over the whole run (burst, acceptances, catching up)",
            _p95(everything),
            "ms",
            300,
            note=f"{len(everything)} views; {len(cut)} more cut by the killed gunicorn worker "
            f"({', '.join(sorted(set(cut))) or 'none'})",
        ),
        Result(
            "acceptances during the run",
            len(changes),
            "changes",
            note=f"one every {CHANGE_EVERY:g} s; gunicorn worker killed at {KILL_WEB_AT:g} s "
            f"({len(killed_web)}), task worker killed at {killed_tasks_at:.1f} s and "
            f"restarted {RESTART_AFTER:g} s later",
        ),
        Result(
            "last acceptance -> every dashboard answered current for it",
            currency[-1] if currency else float("inf"),
            "s",
            CURRENCY_TARGET,
            note="each acceptance (worst dashboard): " + ", ".join(f"{c:.1f}" for c in currency),
        ),
        Result(
            "dashboard p95, 20 viewers alone after the run",
            _p95(idle),
            "ms",
            300,
            note=f"p50 {statistics.median(idle) * 1000:.0f} ms",
        ),
        Result(
            "control: dashboard p95, 20 viewers at the run's pace alone (no uploads, no changes)",
            _p95(paced),
            "ms",
            300,
            note=f"p50 {statistics.median(paced) * 1000:.0f} ms, inside the app p95 "
            f"{paced_app[int(0.95 * (len(paced_app) - 1))]:.0f} ms, {len(paced)} views; "
            f"{control_note}; load average {load['control']:.1f}",
        ),
        Result(
            "first dashboard view after a data change (worst of ICB + 3 sub-ICBs)",
            max(first),
            "ms",
            1000,
            note="each: "
            + ", ".join(f"{o} {ms:.0f} ms" for o, ms in zip(ORGS, first, strict=True)),
        ),
    ]


if __name__ == "__main__":
    for r in run():
        print(r)
