"""Every environment variable the settings read is documented in .env.example, and bad values stop startup."""
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def variables_read_by_settings():
    source = (ROOT / "config" / "settings.py").read_text()
    return set(re.findall(r'(?:env\.\w+|_int|_bool)\(\s*"([A-Z][A-Z0-9_]+)"', source))


def test_every_setting_variable_is_in_env_example():
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))
    read = variables_read_by_settings()
    assert len(read) > 20
    missing = read - documented
    assert not missing, f"document these in .env.example: {sorted(missing)}"


def run_check(env):
    return subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", **env}, timeout=60)


def test_bad_value_stops_startup_and_names_the_variable():
    result = run_check({"LOGIN_RATE_LIMIT_PER_IP": "many"})
    assert result.returncode != 0
    assert "LOGIN_RATE_LIMIT_PER_IP must be a whole number" in result.stderr


def test_production_refuses_the_development_secret_key():
    result = run_check({"DEBUG": "false"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
