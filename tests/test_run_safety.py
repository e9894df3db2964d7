"""`make run` is safe on a reachable host (issue 12 #7): loopback unless HOST says otherwise, a random
SECRET_KEY written on the first run and no public default, private media never served statically."""
import importlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import Resolver404, clear_url_caches, resolve

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "config"))
import envfile  # noqa: E402  (config/envfile.py runs before Django, as a plain script)


def web_bind(env):
    """What the Procfile's web line would pass to runserver."""
    line = next(x for x in (ROOT / "Procfile.dev").read_text().splitlines() if x.startswith("web:"))
    command = line.split(":", 1)[1].replace(".venv/bin/python manage.py runserver", "echo")
    return subprocess.run(["bash", "-c", command], env={"PATH": "/usr/bin:/bin", **env}, capture_output=True,
                          text=True, check=True).stdout.strip()


def test_web_listens_on_loopback_unless_host_is_set():
    assert web_bind({}) == "127.0.0.1:8000"
    assert web_bind({"HOST": "192.0.2.10", "WEB_PORT": "9000"}) == "192.0.2.10:9000"


def test_make_run_hands_port_past_honcho_and_writes_the_key_first():
    recipe = (ROOT / "Makefile").read_text().split("\nrun:", 2)[2].split("\n\n")[0]
    assert 'export WEB_PORT="$${PORT:-8000}"' in recipe  # honcho sets PORT=5000 for its first process
    assert recipe.index("config/envfile.py") < recipe.index("manage.py migrate")


def test_first_run_writes_a_random_key_and_later_runs_keep_it(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("DEBUG=true\n")
    assert envfile.ensure_secret_key(env_file, environ={}) is True
    first = re.search(r"^SECRET_KEY=(\S+)$", env_file.read_text(), re.M).group(1)
    assert len(first) >= 50 and "DEBUG=true" in env_file.read_text()
    assert oct(env_file.stat().st_mode & 0o777) == "0o600"
    assert envfile.ensure_secret_key(env_file, environ={}) is False
    assert re.search(r"^SECRET_KEY=(\S+)$", env_file.read_text(), re.M).group(1) == first
    other = tmp_path / "other.env"
    envfile.ensure_secret_key(other, environ={})
    assert other.read_text() != env_file.read_text()


@pytest.mark.parametrize("line", ["SECRET_KEY=", "SECRET_KEY=dev-only-insecure-key-change-me-in-production-0123456789"])
def test_an_empty_or_published_key_in_env_is_replaced(tmp_path, line):
    env_file = tmp_path / ".env"
    env_file.write_text(f"{line}\nPORT=8000\n")
    assert envfile.ensure_secret_key(env_file, environ={}) is True
    keys = re.findall(r"^SECRET_KEY=(.*)$", env_file.read_text(), re.M)
    assert len(keys) == 1 and keys[0] and not keys[0].startswith("dev-only-")


def test_a_key_from_the_environment_is_left_alone(tmp_path):
    env_file = tmp_path / ".env"
    assert envfile.ensure_secret_key(env_file, environ={"SECRET_KEY": "x" * 60}) is False
    assert not env_file.exists()


def settings_value(env, expression):
    code = f"import django; django.setup(); from django.conf import settings; print({expression})"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                            env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings", **env})
    return result


def test_no_public_default_key():
    """Without a key each process makes up its own: a token signed by one is worthless to anyone else."""
    # SECRET_KEY="" also hides a developer's own .env (real variables win over it)
    first = settings_value({"SECRET_KEY": ""}, "settings.SECRET_KEY")
    second = settings_value({"SECRET_KEY": ""}, "settings.SECRET_KEY")
    assert first.returncode == 0, first.stderr
    assert first.stdout != second.stdout and len(first.stdout.strip()) >= 50
    published = settings_value({"SECRET_KEY": "dev-only-insecure-key-change-me-in-production-0123456789"},
                               "settings.SECRET_KEY")
    assert not published.stdout.startswith("dev-only-")
    assert "SECRET_KEY=dev-only" not in (ROOT / ".env.example").read_text()


def test_media_root_is_never_served_statically(settings, tmp_path):
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "inbox").mkdir()
    (tmp_path / "inbox" / "secret.jpg").write_bytes(b"\xff\xd8private")
    import config.urls

    urls = importlib.reload(config.urls)  # built with DEBUG on, as under `make run`
    try:
        with pytest.raises(Resolver404):
            resolve("/media/inbox/secret.jpg", urlconf=urls)
    finally:
        settings.DEBUG = False
        importlib.reload(config.urls)
        clear_url_caches()


def test_envfile_script_runs_without_django(tmp_path):
    target = tmp_path / ".env"
    result = subprocess.run([sys.executable, str(ROOT / "config" / "envfile.py"), str(target)], capture_output=True,
                            text=True, env={"PATH": "/usr/bin:/bin"}, cwd=tmp_path, timeout=30)
    assert result.returncode == 0, result.stderr
    assert "SECRET_KEY=" in target.read_text() and "Wrote a new random SECRET_KEY" in result.stdout
    assert os.stat(target).st_mode & 0o077 == 0
