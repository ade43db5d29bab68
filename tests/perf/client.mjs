// A fresh automerge-repo peer (its own empty storage) asking the server for every document,
// all at once, as an app opening its grid would; prints the time until all are ready, the
// process's peak RSS, and the bytes and WebSocket messages each way (wire.mjs).
//
//   node client.mjs PORT STORAGE_DIR URLS_FILE                    bootstrap
//   node client.mjs PORT STORAGE_DIR URLS_FILE --wait HEADS_FILE  incremental: a peer that
//       already holds the documents (STORAGE_DIR from a bootstrap) loads them all from its
//       storage, then connects; prints the load time and the time from connecting until
//       the documents in HEADS_FILE ({url: heads}) reach those heads
//   node client.mjs PORT STORAGE_DIR URLS_FILE --push DOCS_FILE   ingest: a peer imports the
//       documents (length-prefixed saved bytes) under the server's URLs, then connects and
//       shares them; it runs until killed (the server reports when it holds them all)
import fs from "node:fs"
import { Repo, parseAutomergeUrl } from "@automerge/automerge-repo"
import { BrowserWebSocketClientAdapter } from "@automerge/automerge-repo-network-websocket"
import { NodeFSStorageAdapter } from "@automerge/automerge-repo-storage-nodefs"
import { wire, reset } from "./wire.mjs"

const [port, storageDir, urlsFile, mode, arg] = process.argv.slice(2)
const urls = fs.readFileSync(urlsFile, "utf8").split("\n").filter(Boolean)
const connect = () => new BrowserWebSocketClientAdapter(`ws://127.0.0.1:${port}`)
const report = (extra) =>
  console.log(
    JSON.stringify({
      ...extra,
      docs: urls.length,
      peak_rss_kib: process.resourceUsage().maxRSS,
      bytes_up: wire.bytesUp,
      bytes_down: wire.bytesDown,
      msgs_up: wire.msgsUp,
      msgs_down: wire.msgsDown,
    }),
  )

if (mode === "--wait") {
  const want = JSON.parse(fs.readFileSync(arg, "utf8"))
  const started = performance.now()
  const repo = new Repo({ storage: new NodeFSStorageAdapter(storageDir), sharePolicy: async () => true })
  const handles = await Promise.all(urls.map((u) => repo.find(u)))
  const loadMs = performance.now() - started
  const byUrl = new Map(urls.map((u, i) => [u, handles[i]]))
  const same = (a, b) => a.length === b.length && [...a].sort().join() === [...b].sort().join()
  const pending = () => Object.entries(want).filter(([u, h]) => !same(byUrl.get(u).heads(), h)).length
  if (pending() !== Object.keys(want).length) throw new Error("the documents were already changed")
  reset()
  const connected = performance.now()
  repo.networkSubsystem.addNetworkAdapter(connect())
  while (pending() > 0) await new Promise((r) => setTimeout(r, 1))
  const ms = performance.now() - connected
  report({ ms, load_ms: loadMs, changed: Object.keys(want).length })
  process.exit(0)
} else if (mode === "--push") {
  const repo = new Repo({ storage: new NodeFSStorageAdapter(storageDir), sharePolicy: async () => true })
  const buf = fs.readFileSync(arg)
  let i = 0
  for (let off = 0; off < buf.length; i++) {
    const len = buf.readUInt32LE(off)
    off += 4
    repo.import(new Uint8Array(buf.subarray(off, off + len)), {
      docId: parseAutomergeUrl(urls[i]).documentId,
    })
    off += len
  }
  await repo.flush()
  repo.networkSubsystem.addNetworkAdapter(connect())
  console.log("pushing")
  setInterval(() => {}, 1 << 30)
} else {
  const started = performance.now()
  const repo = new Repo({
    network: [connect()],
    storage: new NodeFSStorageAdapter(storageDir),
    sharePolicy: async () => true,
  })
  const handles = await Promise.all(urls.map((u) => repo.find(u)))
  const ready = handles.filter((h) => h.isReady()).length
  await repo.flush()
  const ms = performance.now() - started
  report({ ms, ready })
  process.exit(0)
}
