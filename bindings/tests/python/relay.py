"""A real relay server process for the binding tests: started on a free loopback port on
its own SQLite data directory, administered through the same binary (grids, users, one-time
enrolment codes), stopped at the end. The binary comes from GK_SERVER_BIN."""

import os
import subprocess
import tempfile


class Relay:
    def __init__(self):
        self.bin = os.environ["GK_SERVER_BIN"]
        self.data = tempfile.mkdtemp(prefix="gk-relay-")
        self.proc = subprocess.Popen(
            [self.bin, "--data", self.data, "--listen", "127.0.0.1:0",
             "--rate", "100000", "--burst", "100000"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
            env={**os.environ, "GRIDKEEPER_LOG": "warn"},
        )
        for line in self.proc.stdout:
            if line.startswith("listening on "):
                self.url = line.split("listening on ", 1)[1].strip()
                break
        else:
            raise RuntimeError("the relay exited before listening")

    def admin(self, *args):
        out = subprocess.run([self.bin, "--data", self.data, "admin", *args],
                             capture_output=True, text=True, check=True)
        return out.stdout.strip()

    def worker(self, name, grid):
        """A worker scoped to `grid`, and a fresh enrolment code for one of their phones."""
        try:
            self.admin("user", "add", name, "--role", "worker", "--scope", grid)
        except subprocess.CalledProcessError:
            pass  # already there: a second phone for the same person
        return self.admin("enroll-code", name).split()[-1]

    def stop(self):
        self.proc.kill()
        self.proc.wait()
