"""A real desk for the web tests: deliveries through the real script into
the reference servers, and `mailtoticket.py web` serving them."""
import os
import socket
import subprocess
import sys
import time

import requests
import yaml

from support import REPO, SCRIPT, header, mail, run_mailtoticket


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def web_command(config, *args):
    return subprocess.run([sys.executable, str(SCRIPT), "web", "-c", str(config), *args],
                          capture_output=True, text=True, timeout=60, cwd=str(REPO))


def add_token(config, name, role):
    done = web_command(config, "--add-token", name, "--role", role)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


class WebServer:
    """`mailtoticket.py web -c CONFIG` as a process, on its configured port."""

    def __init__(self, config, port):
        self.config, self.port = config, port
        self.url = "http://127.0.0.1:%d" % port
        self.log = open(str(config) + ".web.log", "w+b")
        self.process = subprocess.Popen(
            [sys.executable, str(SCRIPT), "web", "-c", str(config)], cwd=str(REPO),
            stdout=self.log, stderr=subprocess.STDOUT,
            env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
        give_up = time.monotonic() + 30
        while time.monotonic() < give_up:
            if self.process.poll() is not None:
                raise RuntimeError("web server exited: %s" % self.output())
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("web server did not listen: %s" % self.output())

    def output(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")

    def get(self, path, auth=None, **kw):
        return requests.get(self.url + path, auth=auth, timeout=60, **kw)

    def post(self, path, auth=None, **kw):
        return requests.post(self.url + path, auth=auth, timeout=120, **kw)

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


class Bearer(requests.auth.AuthBase):
    def __init__(self, token):
        self.token = token

    def __call__(self, request):
        request.headers["Authorization"] = "Bearer " + self.token
        return request


def write_settings(path, data):
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def gn6_desk_settings(gn6, folder):
    """(port, settings mapping, settings file) of a GN6 desk whose web
    server listens on a free port, its state in folder/state."""
    from conftest import base_settings
    port = free_port()
    data = dict(base_settings(gn6, folder), state_dir=str(folder / "state"),
                web={"listen": "127.0.0.1:%d" % port})
    return port, data, write_settings(folder / "settings.yaml", data)


def first_ticket(gn6, subject):
    return [t["codi"] for t in gn6.tickets() if t["assumpte"] == subject][0]


def deliver(raw, settings):
    result = run_mailtoticket(raw, settings)
    assert result.returncode == 0, result.stderr.decode()
    return header(result)


__all__ = ["free_port", "web_command", "add_token", "WebServer", "Bearer",
           "write_settings", "deliver", "mail", "gn6_desk_settings", "first_ticket"]
