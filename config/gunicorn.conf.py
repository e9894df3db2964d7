"""Gunicorn settings for production (Dockerfile, docker-compose.yml) and bench/rotator_redirect.py.

`gunicorn -c config/gunicorn.conf.py config.wsgi`. Command-line flags and GUNICORN_CMD_ARGS override
any value here; WEB_WORKERS (empty: one per CPU plus one) sets the number of workers.

Why these values: the traffic that matters is the public link redirect, hit from ads, which is pure CPU
(one ~50 µs Redis call, no database). A TLS proxy in front buffers slow clients (SECURE_PROXY_SSL_HEADER
expects one), so sync workers never wait on a client either.
- sync workers: each accept()s the next connection only when it is free, so under load connections are
  served in arrival order by whichever worker frees up first. Threaded workers (gthread, with or without
  keep-alive) gave a p99 about twice as high in bench/rotator_redirect.py: threads of one process share
  the GIL, so a request can wait out another's 5 ms switch interval, and kept-alive connections stay
  stuck to a busy worker.
- one worker per CPU plus one: the extra covers the moments a worker waits on Redis, the database or
  WAHA. More only add context switches, and a worker descheduled mid-request adds a whole time slice to
  that request's latency: on 2 CPUs, 5 workers gave a link p99 of 26-55 ms where 3 gave 18-22 ms.
"""
import multiprocessing
import os


def _workers():
    raw = os.environ.get("WEB_WORKERS", "").strip()
    if not raw:
        return multiprocessing.cpu_count() + 1
    if not raw.isdigit() or int(raw) < 1:
        raise RuntimeError(f"WEB_WORKERS must be a whole number of workers, 1 or more; got {raw!r}")
    return int(raw)


bind = "0.0.0.0:8000"  # noqa: S104 - inside the container, behind the proxy
worker_class = "sync"
workers = _workers()
# Connections waiting for a free worker during a burst of clicks queue in the kernel, not refused.
backlog = 2048
timeout = 30
graceful_timeout = 30
# Every worker touches a heartbeat file between requests; on a container's overlay filesystem that
# write can stall, so it goes to memory when there is a /dev/shm (gunicorn's advice for Docker).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
# No access log: the TLS proxy in front already logs every request, each click is recorded in the
# database, and formatting the line cost ~14% of a worker's time per redirect. Errors still go to stderr;
# GUNICORN_CMD_ARGS="--access-logfile -" turns it back on.
accesslog = None
