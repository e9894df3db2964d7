"""Benchmark of outbound webhooks: events fanned out to three receivers by real Celery workers on the hooks queue.

One command (from the repository root):

    .venv/bin/python bench/webhooks_fanout.py               # 10,000 events
    .venv/bin/python bench/webhooks_fanout.py --events 2000
    DATABASE_URL=mysql://root@127.0.0.1:3306/sebar_hooks_bench .venv/bin/python bench/webhooks_fanout.py

Three receivers run in this process on loopback: `healthy` (answers at once), `slow` (each answer takes 1 s) and
`flaky` (answers 500 to half the posts, at random). Runs, on a fresh database and Redis DB (BENCH_REDIS_DB, 13):

1. bare: one thread posts signed bodies to `healthy` with a kept-alive session, as fast as it answers (baseline);
2. alone: N events, `healthy` the only endpoint: events/s delivered to it;
3. fan-out: N events to all three endpoints: events/s delivered to `healthy` while `slow` backs up and `flaky` is
   retried (its retry schedule scaled to fractions of a second, bench/hooks_probe.py).

Printed: each rate, `alone / bare`, `fan-out / alone` (the slow receiver must not lower the healthy one's rate:
near 1.0), and for every endpoint the rows written (none lost: one per event), delivered, duplicates seen by
the receiver (posts of an event after its first 2xx: must be 0) and the flaky receiver fully drained.

Figures (2026-12-04, SQLite, one worker node `-P threads -c 8`, 1,000 events, on the 2-core box while six test
suites ran beside it: load average 17-18, so rates are low and move by 2x between runs):
bare loop 612 posts/s; alone 80 events/s (ratio 0.13; the events are written by the benchmark's one process at
about 7 ms each, the Redis publish being most of it under that load); fan-out: healthy 25 events/s (0.31 of
alone: three rows and the flaky receiver's 976 retries share the same two cores); rows lost 0 on every endpoint,
duplicates after a 2xx 0, flaky fully delivered (1,976 posts for 1,000 events), slow 96 delivered at its 2 posts
a second with the rest waiting in their rows. Before a task went on with its endpoint's backlog and the sweep
started each endpoint once, a slow receiver's backlog turned into a task per row finding it busy, every sweep.
"""
import argparse
import collections
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
REDIS_DB = int(os.environ.get("BENCH_REDIS_DB", "13"))  # FLUSHDB'd by every run: never one the app uses
DEFAULT_SQLITE = "/tmp/sebar_hooks_bench.sqlite3"
os.environ.setdefault("DATABASE_URL", f"sqlite:///{DEFAULT_SQLITE}")
os.environ["REDIS_URL"] = f"redis://127.0.0.1:6379/{REDIS_DB}"
os.environ["CELERY_BROKER_URL"] = f"redis://127.0.0.1:6379/{REDIS_DB}"
os.environ["SEBAR_REDIS_PREFIX"] = f"benchhooks{REDIS_DB}"
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.hooks_settings"
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"

from bench import common  # noqa: E402 - after the environment above is set


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


class Receiver:
    def __init__(self, name, *, delay=0.0, fail_share=0.0):
        self.name, self.delay, self.fail_share = name, delay, fail_share
        self.ok = collections.Counter()  # event id -> 2xx answers given
        self.posts = 0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self):
                super().setup()
                # Headers and body leave in two writes: without this each answer waits for a delayed ACK (~40 ms).
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def do_POST(self):  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if receiver.delay:
                    time.sleep(receiver.delay)
                failed = receiver.fail_share and random.random() < receiver.fail_share  # noqa: S311 - a bench
                code = 500 if failed else 200
                with receiver.lock:
                    receiver.posts += 1
                    if not failed:
                        receiver.ok[json.loads(body)["id"]] += 1
                self.send_response(code)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/{name}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def reset(self):
        with self.lock:
            self.ok.clear()
            self.posts = 0

    def delivered(self):
        with self.lock:
            return len(self.ok)

    def duplicates(self):
        with self.lock:
            return sum(n - 1 for n in self.ok.values())


def fresh_database():
    common.fresh_database(DEFAULT_SQLITE)
    from config.redis import get_redis

    get_redis().flushdb()


def start_workers(nodes, concurrency):
    logdir = Path("/tmp/sebar_hooks_bench_logs")
    logdir.mkdir(exist_ok=True)
    procs = []
    for n in range(nodes):
        out = open(logdir / f"worker{n}.log", "ab")  # noqa: SIM115 - lives as long as the process
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", "hooks", "-P", "threads",
             "-c", str(concurrency), "--loglevel=WARNING", "--without-gossip", "--without-mingle",
             "-n", f"hooks{n}-{time.time_ns()}@%h"],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, env=os.environ.copy()))
    return procs


def stop_workers(procs):
    for proc in procs:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def bare_loop(receiver, n):
    import requests

    from integrations.webhooks import signature

    session = requests.Session()
    start = time.perf_counter()
    for i in range(n):
        body = json.dumps({"id": f"evt_bare{i}", "event": "bench", "data": {"n": i}})
        session.post(receiver.url, data=body.encode(), timeout=5,
                     headers={"Content-Type": "application/json",
                              "Sebar-Signature": signature("whsec_bare", int(time.time()), body)})
    return n / (time.perf_counter() - start)


def emit(workspace, n, tag):
    from integrations.webhooks import event_received

    for i in range(n):
        event_received(name="contact.created", workspace_id=workspace.pk,
                       data={"contact": {"id": i, "phone": f"62812{i:07d}", "run": tag}})


def sweeper(stop):
    from django.db import connection

    from integrations.webhooks import webhook_deliveries_sweep

    while not stop.wait(2.0):  # what beat does every 30 s, more often so the scaled retries are not held back
        webhook_deliveries_sweep()
    connection.close()


def wait_for(receiver, n, timeout):
    start = time.perf_counter()
    while receiver.delivered() < n and time.perf_counter() - start < timeout:
        time.sleep(0.05)
    return time.perf_counter() - start


def run(args):
    from accounts.models import Workspace
    from integrations.models import WebhookDelivery, WebhookEndpoint

    receivers = {"healthy": Receiver("healthy"), "slow": Receiver("slow", delay=1.0),
                 "flaky": Receiver("flaky", fail_share=0.5)}
    bare = bare_loop(receivers["healthy"], args.bare)
    log(f"bare loop: {bare:.1f} posts/s")
    receivers["healthy"].reset()
    workspace = Workspace.objects.create(name="Bench hooks")
    endpoints = {name: WebhookEndpoint.objects.create(workspace=workspace, url=r.url, events=["contact.created"],
                                                      secret=f"whsec_{name}", is_active=(name == "healthy"))
                 for name, r in receivers.items()}
    workers = start_workers(args.nodes, args.concurrency)
    stop = threading.Event()
    threading.Thread(target=sweeper, args=(stop,), daemon=True).start()
    try:
        time.sleep(3)  # the workers connect
        log(f"alone: {args.events} events to the healthy endpoint only")
        start = time.perf_counter()
        emit(workspace, args.events, "alone")
        emit_alone = time.perf_counter() - start
        elapsed = wait_for(receivers["healthy"], args.events, args.timeout) + 0.0
        alone = receivers["healthy"].delivered() / (time.perf_counter() - start)
        log(f"alone: {alone:.1f} events/s (emitting included, {elapsed:.1f} s)")
        alone_dupes = receivers["healthy"].duplicates()
        for r in receivers.values():
            r.reset()
        WebhookEndpoint.objects.update(is_active=True)
        log(f"fan-out: {args.events} events to healthy, slow (1 s answers) and flaky (half fail)")
        start = time.perf_counter()
        emit(workspace, args.events, "fanout")
        emit_fanout = time.perf_counter() - start
        wait_for(receivers["healthy"], args.events, args.timeout)
        fanout = receivers["healthy"].delivered() / (time.perf_counter() - start)
        log(f"fan-out: healthy at {fanout:.1f} events/s; waiting for flaky to drain")
        wait_for(receivers["flaky"], args.events, args.timeout)
        time.sleep(2)
        rows = {name: WebhookDelivery.objects.filter(endpoint=e, body__contains='"run":"fanout"').count()
                for name, e in endpoints.items()}
        done = {name: WebhookDelivery.objects.filter(endpoint=e, body__contains='"run":"fanout"',
                                                     status=WebhookDelivery.Status.DELIVERED).count()
                for name, e in endpoints.items()}
    finally:
        stop.set()
        stop_workers(workers)
    report = {
        "events": args.events, "bare_posts_per_s": round(bare, 1), "alone_events_per_s": round(alone, 1),
        "fanout_healthy_events_per_s": round(fanout, 1), "alone_vs_bare": round(alone / bare, 3),
        "fanout_vs_alone": round(fanout / alone, 3), "alone_duplicates": alone_dupes,
        # The events are written by this one process: on a loaded box writing them can be what limits the rate.
        "emit_s_alone": round(emit_alone, 1), "emit_s_fanout": round(emit_fanout, 1),
        "endpoints": {name: {"rows": rows[name], "lost": args.events - rows[name], "delivered_rows": done[name],
                             "received": receivers[name].delivered(), "posts": receivers[name].posts,
                             "duplicates_after_2xx": receivers[name].duplicates()}
                      for name in receivers},
    }
    print(json.dumps(report, indent=2))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--bare", type=int, default=2000, help="posts of the bare baseline loop")
    parser.add_argument("--nodes", type=int, default=1, help="worker processes on the hooks queue")
    parser.add_argument("--concurrency", type=int, default=8, help="threads per worker (-P threads)")
    parser.add_argument("--timeout", type=float, default=900)
    args = parser.parse_args()
    fresh_database()
    run(args)


if __name__ == "__main__":
    main()
