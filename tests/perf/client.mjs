// A fresh automerge-repo peer (its own empty storage) asking the server for every document,
// all at once, as an app opening its grid would; prints the time until all are ready and the
// process's peak RSS.
//
//   node client.mjs PORT STORAGE_DIR URLS_FILE
import fs from "node:fs"
import { Repo } from "@automerge/automerge-repo"
import { BrowserWebSocketClientAdapter } from "@automerge/automerge-repo-network-websocket"
import { NodeFSStorageAdapter } from "@automerge/automerge-repo-storage-nodefs"

const [port, storageDir, urlsFile] = process.argv.slice(2)
const urls = fs.readFileSync(urlsFile, "utf8").split("\n").filter(Boolean)
const started = performance.now()
const repo = new Repo({
  network: [new BrowserWebSocketClientAdapter(`ws://127.0.0.1:${port}`)],
  storage: new NodeFSStorageAdapter(storageDir),
  sharePolicy: async () => true,
})
const handles = await Promise.all(urls.map((u) => repo.find(u)))
const ready = handles.filter((h) => h.isReady()).length
await repo.flush()
const ms = performance.now() - started
console.log(JSON.stringify({ ms, ready, docs: urls.length, peak_rss_kib: process.resourceUsage().maxRSS }))
process.exit(0)
