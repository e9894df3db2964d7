"""Benchmark of the broadcast engine against the WAHA emulator, with real Celery worker processes.

One command (from the repository root):

    .venv/bin/python bench/campaigns_engine.py            # 20 workspaces, 60 devices, 20,000 recipients
    .venv/bin/python bench/campaigns_engine.py --quick    # same fleet, 3,000 recipients
    DATABASE_URL=mysql://root@127.0.0.1:3306/sebar_campaigns_bench .venv/bin/python bench/campaigns_engine.py

Runs, each on a fresh database (SQLite file or the MariaDB database named in DATABASE_URL), a dedicated
Redis DB (11) and key prefix, and an in-process emulator whose send handler records the arrival time
of every message:

1. paced: every workspace starts one campaign over its 3 devices, delays scaled to ~1 s. Reports
   (1) pacing efficiency = achieved sends/s / (devices / mean delay), (2) pacing violations = two
   arrivals of one device closer than the campaign's minimum delay, (3) duplicates and lost recipients,
   (4) fairness: Jain's index over the workspaces' achieved rates, and their finish-time spread;
2. kill: the same with fewer recipients; the worker process group is SIGKILLed mid-campaign and a new
   worker started. Rows the dead worker left SENDING are reaped (outcome unknown, never re-sent) or
   rescued by the `message.any` webhook the emulator posts to a small receiver here;
3. flush: Redis is FLUSHDB'd mid-campaign (every queued task is gone); the beat kick re-arms devices;
4. zero delay: messages/s through the whole pipeline vs a bare loop that POSTs sendText to the emulator
   and UPDATEs one row per message.

Figures (2026-11-25, session 2, MariaDB 10.11, Redis, 2 worker nodes `-P threads -c 8`, beat, emulator in
this process, on the 2-core box once the other work had stopped; `DATABASE_URL=mysql://...` default run):

- paced, 20 workspaces, 60 devices, 20,000 recipients, delay 0.8-1.2 s (ideal 60/s): achieved 58.67/s,
  pacing efficiency 0.978, violations 0 (smallest gap 0.811 s, mean gap 1.017 s, p99 1.324 s),
  duplicates 0, lost 0, fairness (Jain) 1.0, workspaces finished between 338.6 and 342.8 s.
  While other benchmarks and test suites loaded the box (load average 5-10) the same run gave 0.938,
  and 3,000-recipient runs 0.85-0.95: under CPU starvation tasks start late.
- kill (SIGKILL of one worker node at 40%, a new node started), 3,000 recipients: duplicates 0, lost 0,
  violations 0; 1 row settled FAILED "outcome unknown", and the emulator confirms it was never sent
  (the node died between the attempt mark and the POST): nobody got a message twice or was forgotten.
- flush (FLUSHDB of the broker at 40%), 3,000 recipients: all SENT once, duplicates 0, lost 0,
  violations 0, efficiency 0.945; the beat kick re-armed every device.
- zero delay, 3,000 recipients over 60 devices: 106.3 messages/s through the whole pipeline (claim,
  check-exists, send, SENT, re-arm, Celery round trips; 2 nodes) vs 601/s for a bare single-thread loop
  that POSTs sendText and updates one row: ratio 0.177. The pipeline does two HTTP calls, about ten
  queries and a Celery hop per message where the loop does one call and one query.

Zero delay, 2026-12-04 (MariaDB, same command `--only zero`, the box quiet): 92.1 messages/s against a bare loop of
382.6/s in the same run, ratio 0.241 (0.146 in the previous session at load ~15, 0.177 quiet); 8.79 queries per
message (about 10 before); one Celery task per message 51.0/s; duplicates 0, lost 0. What changed: the steps of an
inline run reuse the first step's device, plan and campaign list, the webhook-endpoint check is cached, a send
marks its analytics day once per 20 s slice, the slot UPDATE is built once. Beat at rest: 0.47 queries per idle
device per minute. The target of 0.35 is not reached: per message the pipeline still makes two HTTP calls (the
WhatsApp check and the send) and about nine statements where the loop makes one of each.

Session 1 figures were all capped near 18 messages/s by the emulator itself: it answered with Nagle's
algorithm on, so every response waited ~40 ms for a delayed ACK. Fixed in devices/emulator/server.py.
"""
import argparse
import collections
import json
import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
REDIS_DB = int(os.environ.get("BENCH_REDIS_DB", "11"))  # FLUSHDB'd by every run: never one the app uses
DEFAULT_SQLITE = "/tmp/sebar_campaigns_bench.sqlite3"
os.environ.setdefault("DATABASE_URL", f"sqlite:///{DEFAULT_SQLITE}")
os.environ["REDIS_URL"] = f"redis://127.0.0.1:6379/{REDIS_DB}"
os.environ["CELERY_BROKER_URL"] = f"redis://127.0.0.1:6379/{REDIS_DB}"
os.environ["SEBAR_REDIS_PREFIX"] = f"benchcmp{REDIS_DB}"
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.campaigns_settings"
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
os.environ["WAHA_URL"] = "http://127.0.0.1:1"  # never used: devices point at the emulator's server row

from bench import common  # noqa: E402 - after the environment above is set

API_KEY = "bench-key"
ARRIVALS = []  # (time.time(), session, chat_id)
ARRIVALS_LOCK = threading.Lock()


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


# ---------------------------------------------------------------- setup


def fresh_database():
    common.fresh_database(DEFAULT_SQLITE)


def redis_flush():
    from config.redis import get_redis

    get_redis().flushdb()


def start_emulator():
    from devices.emulator import EmulatorServer, messages

    original = messages.send

    def recording_send(emu, endpoint, request):
        result = original(emu, endpoint, request)
        with ARRIVALS_LOCK:
            ARRIVALS.append((time.time(), request.data["session"], request.data["chatId"]))
        return result

    messages.send = recording_send
    emu = EmulatorServer(port=0, engine="GOWS", api_key=API_KEY, auto_acks=False, status_delay=0.0)
    emu.start()
    return emu


class _Hook(BaseHTTPRequestHandler):
    """Receives the emulator's message.any webhooks and hands them to the campaigns handler."""

    def do_POST(self):  # noqa: N802 - http.server's naming
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(200)
        self.end_headers()
        try:
            event = json.loads(body)
        except ValueError:
            return
        if event.get("event") == "message.any" and HOOK_ENABLED.is_set():
            from django.db import connection

            from campaigns.services import recipient_sent_seen
            from devices.models import Device

            device = Device.objects.filter(session_name=event.get("session")).first()
            if device:
                recipient_sent_seen(device=device, event=event)
            connection.close()  # one thread per request: its connection must not outlive it

    def log_message(self, *args):
        pass


HOOK_ENABLED = threading.Event()


def start_hook():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/hook"


def build_world(emu, hook_url, workspaces, devices_per_ws, recipients, webhooks):
    from accounts.models import Membership, User, Workspace
    from billing.models import Package
    from billing.services import subscription_choose, subscription_mark_paid
    from contacts.models import Contact, ContactTag, Tag
    from devices.models import Device, WahaServer
    from devices.waha import WahaClient

    server = WahaServer.objects.create(name="bench-emulator", base_url=emu.url, api_key=API_KEY, capacity=10_000)
    client = WahaClient(emu.url, API_KEY)
    pro = Package.objects.filter(is_public=True).exclude(price=0).order_by("price").first()
    per_ws = recipients // workspaces
    world = []
    for w in range(workspaces):
        ws = Workspace.objects.create(name=f"Bench {w}")
        user = User.objects.create_user(email=f"owner{w}@bench.local", password="bench-pass-2026")  # noqa: S106 - throwaway bench users
        Membership.objects.create(user=user, workspace=ws, role=Membership.Role.OWNER)
        subscription_mark_paid(subscription_id=subscription_choose(workspace=ws, actor=user,
                                                                   package_id=pro.pk).pk)
        devices = []
        for d in range(devices_per_ws):
            name = f"b{w}d{d}"
            # message.any webhooks only where the run needs them (the kill run's rescue): they cost CPU.
            config = {"webhooks": [{"url": hook_url, "events": ["message.any"]}]} if webhooks else {}
            client._request("POST", "/api/sessions", json={"name": name, "start": True, "config": config})
            for _ in range(500):
                if emu.status(name) == "SCAN_QR_CODE":
                    break
                time.sleep(0.005)
            emu.scan(name)
            devices.append(Device.objects.create(workspace=ws, session_name=name, server=server,
                                                 status=Device.Status.CONNECTED, waha_status="WORKING",
                                                 phone_number=f"6289{w:03d}{d:04d}"))
        tag = Tag.objects.create(workspace=ws, name="VIP")
        contacts = Contact.objects.bulk_create([
            Contact(workspace=ws, phone=f"628{w:03d}{i:07d}", name=f"Kontak {i}") for i in range(per_ws)],
            batch_size=2000)
        ContactTag.objects.bulk_create([ContactTag(contact=c, tag=tag) for c in contacts], batch_size=2000)
        world.append({"workspace": ws, "user": user, "devices": devices})
    return world


def start_campaigns(world, delay):
    from django.db import transaction

    from campaigns import services

    campaigns = []
    for entry in world:
        with transaction.atomic():
            campaign = services.campaign_create(
                workspace=entry["workspace"], actor=entry["user"], name="bench", message="{Hi|Halo} [name]!",
                tags=["VIP"], delay_min=delay[0], delay_max=delay[1], typing_simulation=False,
                hourly_cap_per_device=0)  # scaled ~1 s delays: an hourly cap would measure itself, not the pace
        campaigns.append(campaign)
    for campaign in campaigns:  # the launch task (queued on commit) freezes and arms; wait for it
        services.campaign_launch(campaign_id=campaign.pk)
    return campaigns


class Workers:
    """Celery worker nodes and a beat, each its own process group (so SIGKILL takes a whole node)."""

    def __init__(self, concurrency, pool, nodes=1, queues=None):
        self.concurrency = concurrency
        self.pool = pool
        self.nodes = nodes
        # None: plain workers consuming every queue; otherwise the engine nodes take only these queues and
        # one more node takes the rest (imports, indexing), as docker-compose runs them.
        self.queues = queues
        self.workers = []
        self.beat = None
        self.logdir = Path("/tmp/sebar_campaigns_bench_logs")
        self.logdir.mkdir(exist_ok=True)

    def _spawn(self, args, name):
        out = open(self.logdir / f"{name}.log", "ab")  # noqa: SIM115 - lives as long as the process
        return subprocess.Popen([sys.executable, "-m", "celery", "-A", "config", *args], cwd=ROOT, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True, env=os.environ.copy())

    def start_worker(self, queues=None, concurrency=None, pool=None):
        queues = queues or self.queues
        self.workers.append(self._spawn(["worker", "-P", pool or self.pool, "-c", str(concurrency or self.concurrency),
                                         "--loglevel=WARNING", "--without-gossip", "--without-mingle",
                                         *(["-Q", queues] if queues else []),
                                         "-n", f"bench{time.time_ns()}@%h"], "worker"))

    def start_workers(self):
        for _ in range(self.nodes):
            self.start_worker()
        if self.queues:
            self.start_worker(queues="celery,webhooks,ai", concurrency=2, pool="prefork")

    def start_beat(self):
        schedule = self.logdir / "beat-schedule"
        for p in self.logdir.glob("beat-schedule*"):
            p.unlink()
        self.beat = self._spawn(["beat", "--loglevel=WARNING", "-s", str(schedule)], "beat")

    def kill_worker(self):
        """SIGKILL one worker node (its whole process group), mid-task."""
        victim = self.workers.pop(0)
        os.killpg(victim.pid, signal.SIGKILL)
        victim.wait()

    def stop(self):
        procs = [*self.workers, self.beat]
        for proc in procs:
            if proc and proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            if proc:
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)


LOAD_ROWS = 100_000


def start_load():
    """The machine's other work, queued like the app queues it: a 100k-row contacts import and knowledge
    indexing (20 long texts, chunked; no embeddings API in the bench) for another workspace."""
    from django.core.files.base import File
    from django.db import transaction

    from accounts.models import Workspace
    from contacts.importing import jobs
    from inbox.knowledge import knowledge_source_create

    sys.path.insert(0, str(ROOT / "bench"))
    import contacts_import

    path = Path(f"/tmp/sebar_contacts_bench_{LOAD_ROWS}.csv")
    if not path.exists():
        contacts_import.write_csv(path, LOAD_ROWS)
    workspace = Workspace.objects.create(name="Load")
    with open(path, "rb") as f:
        upload = File(f, name=path.name)
        upload.size = path.stat().st_size
        job = jobs.import_create(workspace=workspace, user=None, upload=upload, tags=["Load"])
    with transaction.atomic():
        jobs.import_start(job=job)
    paragraph = "Toko kami buka setiap hari dari jam sembilan pagi sampai jam lima sore. " * 40
    for i in range(20):
        with transaction.atomic():
            knowledge_source_create(workspace=workspace, kind="text", title=f"Manual {i}",
                                    text="\n\n".join(f"{i}.{p} {paragraph}" for p in range(150)))
    return job.pk


def load_status(job_id):
    from contacts.models import ImportJob
    from inbox.models import KnowledgeSource

    job = ImportJob.objects.get(pk=job_id)
    ready = KnowledgeSource.objects.filter(workspace_id=job.workspace_id, status=KnowledgeSource.Status.READY).count()
    return {"import_status": job.status, "import_rows_done": job.created_count + job.updated_count
            + job.duplicate_count + job.rejected_count, "knowledge_sources_indexed": ready}


def worker_queries(reset=False):
    from bench.engine_probe import COUNTER_KEY
    from config.redis import get_redis

    redis = get_redis()
    value = int((redis.getset(COUNTER_KEY, 0) if reset else redis.get(COUNTER_KEY)) or 0)
    return value


def kick_cost(devices_total):
    """Queries of one beat round (kick, reap) in this process, as queries per device per minute at the
    production intervals (kick every 5 s, reap every 30 s)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from campaigns import engine_beat

    with CaptureQueriesContext(connection) as kick:
        engine_beat.engine_kick()
    with CaptureQueriesContext(connection) as reap:
        engine_beat.recipients_reap()
    per_minute = len(kick.captured_queries) * 60 / 5 + len(reap.captured_queries) * 60 / 30
    return {"kick_queries": len(kick.captured_queries), "reap_queries": len(reap.captured_queries),
            "queries_per_device_per_min": round(per_minute / devices_total, 3)}


def proc_cpu(pid):
    """CPU seconds (user + system) of a process and its live children, from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / tick + sum(proc_cpu(int(c)) for c in children)


def wait_done(campaign_ids, timeout, on_tick=None):
    from campaigns.models import Campaign

    deadline = time.time() + timeout
    while time.time() < deadline:
        open_ = Campaign.objects.filter(pk__in=campaign_ids).exclude(status="COMPLETED").count()
        if on_tick:
            on_tick()
        if not open_:
            return True
        time.sleep(0.5)
    return False


# ---------------------------------------------------------------- measures


def analyse(campaigns, delay, devices_total, t0):
    from campaigns.models import Recipient
    from devices.models import Device

    ws_of_session = dict(Device.objects.values_list("session_name", "workspace_id"))
    ids = [c.pk for c in campaigns]
    with ARRIVALS_LOCK:
        arrivals = [a for a in ARRIVALS if a[0] >= t0]
    # (2) pacing: consecutive arrivals per device
    by_session = collections.defaultdict(list)
    for at, session, _chat in arrivals:
        by_session[session].append(at)
    violations, min_gap, gaps = 0, None, []
    for times in by_session.values():
        times.sort()
        for a, b in zip(times, times[1:], strict=False):
            gap = b - a
            gaps.append(gap)
            min_gap = gap if min_gap is None else min(min_gap, gap)
            if gap < delay[0]:
                violations += 1
    gaps.sort()
    # (3) duplicates and lost
    received = collections.Counter((ws_of_session[s], chat.split("@")[0]) for _at, s, chat in arrivals)
    duplicates = sum(n - 1 for n in received.values() if n > 1)
    rows = list(Recipient.objects.filter(campaign_id__in=ids).values_list("workspace_id", "phone", "status",
                                                                           "error_code"))
    statuses = collections.Counter(r[2] for r in rows)
    unknown = [(r[0], r[1]) for r in rows if r[3] == Recipient.OUTCOME_UNKNOWN]
    lost = sum(1 for ws, phone, status, _code in rows if status in ("PENDING", "SENDING")
               or (status == "SENT" and (ws, phone) not in received)
               or (status == "FAILED" and (ws, phone) not in received and _code != Recipient.OUTCOME_UNKNOWN))
    unknown_not_sent = sum(1 for key in unknown if key not in received)
    # (1) efficiency and (4) fairness
    times = sorted(a[0] for a in arrivals)
    span = (times[-1] - times[0]) if len(times) > 1 else float("nan")
    mean_delay = sum(delay) / 2
    ideal = devices_total / mean_delay if mean_delay else float("nan")
    achieved = (len(times) - 1) / span if span and span == span else float("nan")
    per_ws = collections.defaultdict(list)
    for at, s, _chat in arrivals:
        per_ws[ws_of_session[s]].append(at)
    rates = [(len(v) - 1) / (max(v) - min(v)) for v in per_ws.values() if len(v) > 1 and max(v) > min(v)]
    jain = (sum(rates) ** 2) / (len(rates) * sum(r * r for r in rates)) if rates else float("nan")
    finishes = [max(v) - t0 for v in per_ws.values()]
    return {
        "recipients": len(rows), "sent_messages": len(arrivals), "statuses": dict(statuses),
        "achieved_per_s": round(achieved, 2), "ideal_per_s": round(ideal, 2),
        "pacing_efficiency": round(achieved / ideal, 3) if ideal == ideal and mean_delay else None,
        "pacing_violations": violations, "min_gap_s": round(min_gap, 4) if min_gap is not None else None,
        # One device's consecutive sends: the mean should be the mean drawn delay; above it is overhead.
        "gap_mean_s": round(sum(gaps) / len(gaps), 4) if gaps else None,
        "gap_p99_s": round(gaps[int(len(gaps) * 0.99)], 4) if gaps else None,
        "duplicates": duplicates, "lost": lost, "outcome_unknown": len(unknown),
        "outcome_unknown_never_sent": unknown_not_sent,
        "fairness_jain": round(jain, 4), "finish_s_min_max": [round(min(finishes), 1), round(max(finishes), 1)]
        if finishes else None,
    }


def bare_loop(emu, n):
    """The baseline: one thread POSTs sendText and UPDATEs one row per message, nothing else."""
    from campaigns.models import Recipient
    from devices.waha import WahaClient

    client = WahaClient(emu.url, API_KEY)
    rows = list(Recipient.objects.values_list("pk", "phone")[:n])
    session = "b0d0"
    t, cpu = time.perf_counter(), time.process_time()
    for pk, phone in rows:
        sent = client.send_text(session, f"{phone}@c.us", "Hi")
        Recipient.objects.filter(pk=pk).update(waha_message_id=sent.id or "")
    return len(rows) / (time.perf_counter() - t), (time.process_time() - cpu) * 1000 / len(rows)


# ---------------------------------------------------------------- runs


def run(label, args, *, recipients, delay, disrupt=None, webhooks=False, load=False):
    log(f"== {label}: {args.workspaces} workspaces, {args.workspaces * args.devices} devices, {recipients} recipients, "
        f"delay {delay[0]}-{delay[1]} s")
    fresh_database()
    redis_flush()
    emu = start_emulator() if not hasattr(run, "emu") else run.emu
    run.emu = emu
    emu.reset()
    hook = run.hook = getattr(run, "hook", None) or start_hook()
    world = build_world(emu, hook, args.workspaces, args.devices, recipients, webhooks)
    from django.db import connections

    devices_total = args.workspaces * args.devices
    workers = Workers(args.concurrency, args.pool, args.nodes, queues="engine" if load else None)
    fired = {"done": False, "live": None}

    def tick():
        with ARRIVALS_LOCK:
            count = len(ARRIVALS)
        if fired["live"] is None and count >= recipients * 0.5:
            # Half-way every chain is alive: what one beat round costs while the fleet is busy.
            fired["live"] = kick_cost(devices_total)
        if disrupt and not fired["done"]:
            if count >= recipients * 0.4:
                fired["done"] = True
                disrupt(workers)

    try:  # whatever fails, the worker processes must not outlive the run (they would join the next one)
        workers.start_workers()
        workers.start_beat()
        time.sleep(3)  # let the worker connect before the first tasks arrive
        load_job = start_load() if load else None
        t0 = time.time()
        HOOK_ENABLED.set()
        worker_queries(reset=True)
        engine_pids = [w.pid for w in workers.workers[:args.nodes]] + [workers.beat.pid]
        cpu0 = sum(proc_cpu(pid) for pid in engine_pids) + time.process_time()
        campaigns = start_campaigns(world, delay)
        connections.close_all()
        finished = wait_done([c.pk for c in campaigns], timeout=args.timeout, on_tick=tick)
        queries = worker_queries()
        # The engine's nodes, beat, and this process (the emulator answering them); not the database server.
        cpu = sum(proc_cpu(pid) for pid in engine_pids) + time.process_time() - cpu0
        if disrupt:
            # Late webhooks and the reaper settle the last rows after the lease; give them a moment.
            time.sleep(3)
        load_result = load_status(load_job) if load else None
    finally:
        workers.stop()
    result = analyse(campaigns, delay, devices_total, t0)
    result["completed"] = finished
    result["queries_per_message"] = round(queries / max(1, result["sent_messages"]), 2)
    result["cpu_ms_per_message"] = round(cpu * 1000 / max(1, result["sent_messages"]), 2)
    result["beat_while_sending"] = fired["live"]
    result["beat_idle"] = kick_cost(devices_total)  # every campaign done: the devices are idle
    if load_result:
        result["concurrent_load"] = load_result
    log(f"{label}: {json.dumps(result)}")
    return result, emu


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="3,000 recipients instead of 20,000")
    parser.add_argument("--workspaces", type=int, default=20)
    parser.add_argument("--devices", type=int, default=3, help="devices per workspace")
    parser.add_argument("--recipients", type=int, default=None)
    parser.add_argument("--delay", type=float, nargs=2, default=(0.8, 1.2), metavar=("MIN", "MAX"))
    parser.add_argument("--nodes", type=int, default=2, help="worker processes (nodes); growth is more of them")
    parser.add_argument("--concurrency", type=int, default=8, help="threads per worker node")
    parser.add_argument("--pool", default="threads", help="Celery pool: threads (I/O-bound sends) or prefork")
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--small", type=int, default=3000, help="recipients of the kill, flush and zero-delay runs")
    parser.add_argument("--only", choices=["paced", "loaded", "kill", "flush", "zero"], action="append")
    args = parser.parse_args()
    recipients = args.recipients or (3000 if args.quick else 20_000)
    small = min(recipients, args.small)
    only = set(args.only or ["paced", "loaded", "kill", "flush", "zero"])
    results = {}
    if "paced" in only:
        results["paced"] = run("paced", args, recipients=recipients, delay=tuple(args.delay))[0]
    if "loaded" in only:
        # The same campaigns while a 100k-row import and knowledge indexing run on the same machine, on their
        # own worker (queue "celery") beside the engine's nodes (queue "engine").
        loaded = run("loaded", args, recipients=recipients, delay=tuple(args.delay), load=True)[0]
        if "paced" in results:
            paced = results["paced"]["pacing_efficiency"]
            loaded["efficiency_vs_paced"] = round(loaded["pacing_efficiency"] / paced, 3)
        results["loaded"] = loaded
    if "kill" in only:
        def kill(workers):
            log("SIGKILL a worker node mid-campaign; starting a new one")
            workers.kill_worker()
            workers.start_worker()
        results["kill"] = run("kill", args, recipients=small, delay=tuple(args.delay), disrupt=kill, webhooks=True)[0]
    if "flush" in only:
        def flush(workers):
            log("FLUSHDB on the broker's Redis DB mid-campaign")
            redis_flush()
        results["flush"] = run("flush", args, recipients=small, delay=tuple(args.delay), disrupt=flush)[0]
    if "zero" in only:
        HOOK_ENABLED.clear()
        # Baseline in the same run: every message through its own Celery round trip (no inline steps).
        os.environ["BENCH_INLINE_STEPS"] = "0"
        hop, _emu = run("zero delay, one Celery task per message", args, recipients=small, delay=(0.0, 0.0))
        del os.environ["BENCH_INLINE_STEPS"]
        zero, emu = run("zero delay", args, recipients=small, delay=(0.0, 0.0))
        zero["one_task_per_message_per_s"] = hop["achieved_per_s"]
        zero["one_task_per_message_cpu_ms"] = hop["cpu_ms_per_message"]
        bare, bare_cpu = bare_loop(emu, min(small, 2000))
        zero["bare_loop_per_s"] = round(bare, 1)
        zero["pipeline_vs_bare"] = round(zero["achieved_per_s"] / bare, 3)
        # Less sensitive to other load on the machine than wall time: CPU per message, loop vs pipeline.
        zero["bare_loop_cpu_ms_per_message"] = round(bare_cpu, 2)
        zero["cpu_bare_vs_pipeline"] = round(bare_cpu / zero["cpu_ms_per_message"], 3)
        results["zero"] = zero
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
