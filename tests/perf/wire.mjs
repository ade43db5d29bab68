// Counts what crosses the WebSocket in this process: bytes and messages each way. Both
// automerge-repo's client and server adapters use the `ws` package (through isomorphic-ws),
// so wrapping its prototype sees every frame's payload (WebSocket framing not included).
import WebSocket from "ws"

export const wire = { bytesUp: 0, bytesDown: 0, msgsUp: 0, msgsDown: 0 }

const size = (d) =>
  Array.isArray(d) ? d.reduce((n, p) => n + size(p), 0) : (d?.byteLength ?? d?.length ?? 0)

const send = WebSocket.prototype.send
WebSocket.prototype.send = function (data, ...rest) {
  wire.bytesUp += size(data)
  wire.msgsUp += 1
  return send.call(this, data, ...rest)
}
const emit = WebSocket.prototype.emit
WebSocket.prototype.emit = function (event, data, ...rest) {
  if (event === "message") {
    wire.bytesDown += size(data)
    wire.msgsDown += 1
  }
  return emit.call(this, event, data, ...rest)
}

export function reset() {
  wire.bytesUp = wire.bytesDown = wire.msgsUp = wire.msgsDown = 0
}
