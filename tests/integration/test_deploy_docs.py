"""The deployment README shows is the one in deploy/ (which the scale-out test runs)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()
DEPLOY = ["deploy/nginx.conf", "deploy/coprod-daphne@.service", "deploy/coprod-worker.service"]


def fenced_blocks(text: str) -> list[str]:
    return re.findall(r"^```[a-z]*\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL)


def test_readme_shows_every_deployment_file_as_it_is():
    blocks = fenced_blocks(README)
    for name in [*DEPLOY, "Procfile"]:
        assert (ROOT / name).read_text() in blocks, f"README does not show {name} as it is"


def test_nginx_passes_to_the_sockets_the_daphne_units_listen_on():
    nginx = (ROOT / "deploy/nginx.conf").read_text()
    unit = (ROOT / "deploy/coprod-daphne@.service").read_text()
    sockets = re.findall(r"server unix:(/run/coprod/daphne\d+\.sock)", nginx)
    assert sockets == ["/run/coprod/daphne0.sock", "/run/coprod/daphne1.sock"]
    assert "-u /run/coprod/daphne%i.sock" in unit
    assert "--proxy-headers" in unit
    # Websockets are upgraded, and the proxy sets (never appends to) the client's address.
    assert "proxy_set_header Upgrade $http_upgrade;" in nginx
    assert "$proxy_add_x_forwarded_for" not in nginx
    assert nginx.count("proxy_set_header X-Forwarded-For $remote_addr;") == 2
    assert nginx.count("proxy_set_header X-Forwarded-Proto $scheme;") == 2


def test_the_units_and_procfile_run_the_commands_the_project_has():
    daphne = (ROOT / "deploy/coprod-daphne@.service").read_text()
    worker = (ROOT / "deploy/coprod-worker.service").read_text()
    procfile = dict(
        line.split(": ", 1) for line in (ROOT / "Procfile").read_text().splitlines() if line
    )
    assert (ROOT / "coprod/server.py").exists()
    assert "python -m coprod.server" in daphne and "asgi:application" in daphne
    assert "python -m coprod.server" in procfile["web"]
    assert worker.count("ExecStart=") == 1 and "manage.py db_worker" in worker
    assert procfile["worker"] == "python manage.py db_worker"
    for unit in (daphne, worker):
        assert "EnvironmentFile=/srv/coprod/.env" in unit
        assert "Restart=always" in unit
