"""How schemathesis puts the relay's two non-JSON bodies on the wire, and reads one back.

Loaded by scripts/test-api-schema through SCHEMATHESIS_HOOKS. Without these, schemathesis
cannot send a sync request or a workbook and would leave those two routes — the ones that
take the most hostile bytes — untested.
"""

import gzip

import cbor2
import schemathesis

SYNC = "application/vnd.gridkeeper.sync.v1+cbor"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@schemathesis.serializer(SYNC)
def sync_body(ctx, value):
    # The description's SyncRequest, as the phone sends it: gzip(CBOR). Generated values the
    # schema calls bytes arrive as text; CBOR carries them as text, which the relay must
    # refuse as a wrong type, not crash on.
    return gzip.compress(cbor2.dumps(value))


# A workbook is opaque bytes to the transport: the generated binary goes out as it is.
schemathesis.serializer.alias(XLSX, "application/octet-stream")


@schemathesis.deserializer(SYNC)
def sync_reply(ctx, response):
    return cbor2.loads(gzip.decompress(response.content))
