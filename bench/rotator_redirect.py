"""Benchmark of the public link redirect: `python bench/rotator_redirect.py` (one command).

What it does, all on 127.0.0.1 and bounded in time:
1. creates and migrates its own MariaDB database (sebar_bench_rotator) and seeds one sequential link with
   five numbers and a spintax message;
2. starts gunicorn with the configuration production uses (config/gunicorn.conf.py: sync workers, one per
   CPU plus one) and production settings (DEBUG=false), plus one bare view that answers a fixed 302
   (bench/rotator_urls.py: it exists only in this benchmark's URLconf);
3. loads both URLs with wrk (50 connections, --latency), sending a phone browser's User-Agent and a
   Facebook referrer as ad clicks do, in alternating rounds, then briefly at 2 connections, where latency
   is the server's own rather than time spent queueing for a worker;
4. prints redirects per second and p99 for each, the ratio link / bare per round and overall, the CPU time
   gunicorn's workers spent per request (steadier than rates when other programs share the machine), and
   checks that the clicks the link queued in Redis flush to exactly the number of requests wrk completed.

The bare view goes through the whole middleware stack, as any page does. The link answers right after
SecurityMiddleware (rotator/middleware.py): skipping session, auth, CSRF, locale and messages for an
anonymous redirect is part of what is measured, not a trick of the benchmark.
"""
import argparse
import http.client
import os
import re
import runpy
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
SLUG = "bench-promo"
GUNICORN_CONF = ROOT / "config" / "gunicorn.conf.py"
# What an ad click sends: a phone browser (classified on every click) and the ad's site as referrer.
CLICK_HEADERS = ["-H", "User-Agent: Mozilla/5.0 (Linux; Android 14; SM-A155F) AppleWebKit/537.36 (KHTML, like "
                       "Gecko) Chrome/124.0.0.0 Mobile Safari/537.36",
                 "-H", "Referer: https://m.facebook.com/"]

ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "bench.rotator_settings",
    "DEBUG": "false",
    "SECRET_KEY": "bench-rotator-not-a-real-secret-but-long-enough-0123456789abcdef",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SECURE_SSL_REDIRECT": "false",
    "SEBAR_REDIS_PREFIX": "bench-rotator",
    "CACHE_KEY_PREFIX": "bench-rotator",
    "LOG_LEVEL": "WARNING",
    "PYTHONPATH": str(ROOT),
    "PYTHONWARNINGS": "ignore:No directory at",  # whitenoise: no collectstatic needed for a redirect
}

SEED = f"""
import django; django.setup()
from accounts.models import Workspace
from config.redis import get_redis, key
from rotator import clicks, link_config, services
from rotator.models import LinkRotator
redis = get_redis()
keys = redis.keys(key("*"))
if keys: redis.delete(*keys)
LinkRotator.objects.filter(slug="{SLUG}").delete()
ws, _ = Workspace.objects.get_or_create(name="Bench store")
numbers = [{{"phone": f"62812000000{{i:02d}}", "weight": 1, "device": None}} for i in range(5)]
LinkRotator.objects.filter(workspace=ws).delete()
services.rotator_create(workspace=ws, slug="{SLUG}", mode="SEQUENTIAL", numbers=numbers,
                        text="{{Halo|Hai|Selamat siang}} kak, saya mau tanya promo Juni")
"""

FLUSH = f"""
import django; django.setup()
from rotator import clicks
from rotator.models import LinkRotator
total = 0
while True:
    n = clicks.clicks_flush(batch_size=2000, max_batches=100)
    total += n
    if not n: break
print(total, LinkRotator.objects.get(slug="{SLUG}").click_count, clicks.pending())
"""


def run(cmd, **kwargs):
    return subprocess.run(cmd, cwd=ROOT, env=ENV, check=True, timeout=300, **kwargs)


def prepare(database):
    ENV["DATABASE_URL"] = f"mysql://root@127.0.0.1:3306/{database}"
    run(["mysql", "-h", "127.0.0.1", "-u", "root", "-e",
         f"CREATE DATABASE IF NOT EXISTS `{database}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"])
    run([PY, "manage.py", "migrate", "--noinput", "-v", "0"])
    run([PY, "-c", SEED])


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_ready(port, server, deadline=90):
    # http.client, not urllib: it never follows a redirect off this machine.
    end = time.time() + deadline
    while time.time() < end:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode} (port {port} taken?)")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer within {deadline} s")


def wrk(url, seconds, connections, threads):
    out = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--latency",
                          "--timeout", "5s", *CLICK_HEADERS, url],
                         capture_output=True, text=True, timeout=seconds + 30).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    p99 = _ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1))
    p50 = _ms(re.search(r"50%\s+([\d.]+\w+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {"rps": rps, "p50": p50, "p99": p99, "requests": requests, "bad": int(errors.group(1)) if errors else 0,
            "socket_errors": socket_errors.group(1) if socket_errors else ""}


def workers_cpu_seconds(master_pid):
    """CPU time (user + system) used so far by gunicorn's workers: what each request costs the server,
    which other programs loading the machine disturb far less than they disturb requests per second."""
    tick = os.sysconf("SC_CLK_TCK")
    with open(f"/proc/{master_pid}/task/{master_pid}/children") as f:
        pids = f.read().split()
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue  # a worker that just exited
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def measured(master_pid, url, seconds, connections, threads):
    before = workers_cpu_seconds(master_pid)
    result = wrk(url, seconds, connections, threads)
    result["cpu_us"] = (workers_cpu_seconds(master_pid) - before) / max(result["requests"], 1) * 1e6
    return result


def _ms(text):
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=8, help="length of each measured wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="alternating bare/link rounds")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--workers", type=int, default=0,
                        help="gunicorn workers; 0 keeps config/gunicorn.conf.py's (one per CPU plus one)")
    parser.add_argument("--low-connections", type=int, default=2,
                        help="also measure at this concurrency (service latency without queueing); 0 skips")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--database", default="sebar_bench_rotator")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk")

    prepare(args.database)
    load_before = os.getloadavg()[0]  # the machine is shared: figures mean little when it is busy
    args.port = args.port or free_port()
    base = f"http://127.0.0.1:{args.port}"
    results = {"bare": [], "link": []}
    low = {}
    workers = ["-w", str(args.workers)] if args.workers else []
    server = subprocess.Popen(
        [str(Path(PY).with_name("gunicorn")), "-c", str(GUNICORN_CONF), "config.wsgi:application",
         "-b", f"127.0.0.1:{args.port}", "--log-level", "warning", *workers],
        cwd=ROOT, env=ENV, start_new_session=True)
    try:
        wait_ready(args.port, server)
        link, bare = f"{base}/link/{SLUG}", f"{base}/bench/bare-302"
        wrk(bare, 2, args.connections, 2)  # warm both (imports, connections, the link's cache entry)
        warm = wrk(link, 2, args.connections, 2)
        for _ in range(args.rounds):
            results["bare"].append(measured(server.pid, bare, args.seconds, args.connections, 2))
            results["link"].append(measured(server.pid, link, args.seconds, args.connections, 2))
        if args.low_connections:
            low = {name: wrk(url, 5, args.low_connections, 1) for name, url in (("bare", bare), ("link", link))}
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    bad = sum(r["bad"] for runs in results.values() for r in runs) + sum(r["bad"] for r in low.values())
    if bad:
        raise SystemExit(f"{bad} answers were not 302: the benchmark measured something else; not reporting")

    conf = runpy.run_path(str(GUNICORN_CONF))
    print(f"\nLink rotator redirect benchmark: {args.connections} connections, {args.seconds}s x {args.rounds} "
          f"rounds, gunicorn {args.workers or conf['workers']} {conf['worker_class']} workers "
          f"(config/gunicorn.conf.py), MariaDB, DEBUG=false; {os.cpu_count()} CPUs, "
          f"load average before {load_before:.1f}, after {os.getloadavg()[0]:.1f}")
    print(f"{'':6} {'round':>5} {'req/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'requests':>9} {'non-3xx':>8} "
          f"{'worker CPU µs/req':>18}")
    for name in ("bare", "link"):
        for i, r in enumerate(results[name], 1):
            print(f"{name:6} {i:>5} {r['rps']:>10.0f} {r['p50']:>8.2f} {r['p99']:>8.2f} {r['requests']:>9} "
                  f"{r['bad']:>8} {r['cpu_us']:>18.0f} {r['socket_errors']}")
    link_rps = sum(r["rps"] for r in results["link"]) / args.rounds
    bare_rps = sum(r["rps"] for r in results["bare"]) / args.rounds
    # Each round's link run follows its bare run, so their ratio suffers least from load that comes and goes.
    per_round = [link["rps"] / bare["rps"] for bare, link in zip(results["bare"], results["link"], strict=True)]
    print(f"\nratio link/bare redirects per second: {link_rps / bare_rps:.2f} over all rounds; per round "
          f"{', '.join(f'{r:.2f}' for r in per_round)}, median {statistics.median(per_round):.2f} (aim >= 0.8)")
    cpu = {name: statistics.median(r["cpu_us"] for r in results[name]) for name in results}
    print(f"gunicorn workers' CPU per request (median): bare {cpu['bare']:.0f} µs, link {cpu['link']:.0f} µs; "
          f"ratio bare/link {cpu['bare'] / cpu['link']:.2f} (the rate ratio a machine with nothing else to do "
          f"would tend to; the link's Redis work is not included)")
    for name in ("link", "bare"):
        p99s = [r["p99"] for r in results[name]]
        print(f"{name} p99: median {statistics.median(p99s):.1f} ms, worst {max(p99s):.1f} ms"
              + (" (aim < 20 ms)" if name == "link" else ""))

    if low:
        print(f"at {args.low_connections} connections (no queueing): bare {low['bare']['rps']:.0f} req/s, p99 "
              f"{low['bare']['p99']:.1f} ms; link {low['link']['rps']:.0f} req/s, p99 {low['link']['p99']:.1f} ms; "
              f"ratio {low['link']['rps'] / low['bare']['rps']:.2f}")

    out = subprocess.run([PY, "-c", FLUSH], cwd=ROOT, env=ENV, capture_output=True, text=True, check=True,
                         timeout=600).stdout.split()
    flushed, counted, left = (int(x) for x in out[-3:])
    # wrk's total excludes requests cut off at the end of a run, which the server may still have answered.
    sent = warm["requests"] + sum(r["requests"] for r in results["link"]) + (low["link"]["requests"] if low else 0)
    print(f"clicks: wrk saw {sent} link answers; flushed {flushed} click records, click_count {counted}, "
          f"left in Redis {left}; {counted - sent} more answered after wrk stopped listening "
          f"(at most {args.connections} per run)")


if __name__ == "__main__":
    main()
