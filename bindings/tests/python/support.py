"""Helpers shared by the Python binding tests: fresh encrypted stores, valid ID numbers, a
tiny PNG, and one relay server for the whole run."""

import os
import struct
import tempfile
import zlib

from gridkeeper import gridkeeper_ffi as gk
from relay import Relay

_relay = None


def relay():
    global _relay
    if _relay is None:
        _relay = Relay()
        _relay.admin("grid", "add", "g1", "--name", "第一网格")
    return _relay


def stop_relay():
    global _relay
    if _relay is not None:
        _relay.stop()
        _relay = None


def new_store(name, key=None):
    d = tempfile.mkdtemp(prefix=f"gk-{name}-")
    key = key or os.urandom(32)
    store = gk.GridStore.open(os.path.join(d, "store.db"), key, os.path.join(d, "cache"))
    return store, os.path.join(d, "store.db"), key


def enrolled_store(name, worker):
    store, path, key = new_store(name)
    r = relay()
    store.enroll(r.url, r.worker(worker, "g1"))
    return store


def id_number(region, birth, seq):
    """A valid 18-character ID number (GB 11643 check digit)."""
    first17 = f"{region}{birth}{seq:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(c) * w for c, w in zip(first17, weights))
    return first17 + "10X98765432"[total % 11]


def png():
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def household(name="张三", id_no=None, tags=None, room="501"):
    return gk.Household(
        address=gk.Address(compound="幸福里", building="3", unit="2", room=room),
        housing_type=gk.HousingType.OWNER_OCCUPIED,
        members=[gk.Member(name=name, id_number=id_no, phone="13812345678",
                           relation=gk.Relation.HEAD, registration=gk.Registration.LOCAL,
                           tags=tags or [])],
    )


class Progress(gk.SyncProgress):
    def __init__(self):
        self.calls = []

    def on_progress(self, progress):
        self.calls.append(progress)


def sync(store):
    p = Progress()
    summary = store.sync(p, gk.CancelToken())
    return summary, p
