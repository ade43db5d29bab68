// automerge-repo's sync server as its documentation sets it up: a Repo with the Node
// filesystem storage and the WebSocket server adapter, sharing every document. It imports
// the benchmark's documents (saved Automerge bytes, length-prefixed in one file) before it
// starts listening, and writes their URLs for the client.
//
//   node server.mjs PORT STORAGE_DIR DOCS_FILE URLS_OUT
//   node server.mjs PORT STORAGE_DIR DOCS_FILE URLS_OUT --ingest
//       starts empty and writes fresh URLs for the documents; once a peer connects, prints
//       `ingested MS` when it holds every document at its full heads, stored (flushed)
//
// Commands on stdin, one a line (standing in for another device's edits reaching the server):
//   update FILE HEADS_OUT   FILE holds (u32 index, u32 length, saved bytes) records: each
//                           document is merged with those bytes; then the changed documents'
//                           new heads are written to HEADS_OUT as {url: heads}; prints `updated`
import fs from "node:fs"
import readline from "node:readline"
import * as A from "@automerge/automerge"
import { Repo, generateAutomergeUrl, encodeHeads } from "@automerge/automerge-repo"
import { NodeWSServerAdapter } from "@automerge/automerge-repo-network-websocket"
import { NodeFSStorageAdapter } from "@automerge/automerge-repo-storage-nodefs"
import { WebSocketServer } from "ws"

const [port, storageDir, docsFile, urlsOut, mode] = process.argv.slice(2)
const repo = new Repo({
  storage: new NodeFSStorageAdapter(storageDir),
  sharePolicy: async () => true,
})
const buf = fs.readFileSync(docsFile)
const docs = []
for (let off = 0; off < buf.length; ) {
  const len = buf.readUInt32LE(off)
  off += 4
  docs.push(new Uint8Array(buf.subarray(off, off + len)))
  off += len
}
const wss = new WebSocketServer({ host: "127.0.0.1", port: Number(port) })

if (mode === "--ingest") {
  const urls = docs.map(() => generateAutomergeUrl())
  const want = new Map(urls.map((u, i) => [u.slice("automerge:".length), encodeHeads(A.getHeads(A.load(docs[i])))]))
  fs.writeFileSync(urlsOut, urls.join("\n"))
  const same = (a, b) => a.length === b.length && [...a].sort().join() === [...b].sort().join()
  let started
  wss.on("connection", () => {
    if (started !== undefined) return
    started = performance.now()
    const poll = setInterval(async () => {
      for (const [id, heads] of want) {
        const h = repo.handles[id]
        if (h && h.isReady() && same(h.heads(), heads)) want.delete(id)
      }
      if (want.size === 0) {
        clearInterval(poll)
        await repo.flush()
        console.log(`ingested ${performance.now() - started}`)
      }
    }, 20)
  })
} else {
  const handles = docs.map((d) => repo.import(d))
  await repo.flush()
  fs.writeFileSync(urlsOut, handles.map((h) => h.url).join("\n"))
  readline.createInterface({ input: process.stdin }).on("line", async (line) => {
    const [cmd, file, headsOut] = line.trim().split(" ")
    if (cmd !== "update") return
    const b = fs.readFileSync(file)
    const changed = {}
    for (let off = 0; off < b.length; ) {
      const index = b.readUInt32LE(off)
      const len = b.readUInt32LE(off + 4)
      off += 8
      const bytes = new Uint8Array(b.subarray(off, off + len))
      off += len
      handles[index].update((d) => A.loadIncremental(d, bytes))
      changed[handles[index].url] = handles[index].heads()
    }
    await repo.flush()
    fs.writeFileSync(headsOut, JSON.stringify(changed))
    console.log("updated")
  })
}
repo.networkSubsystem.addNetworkAdapter(new NodeWSServerAdapter(wss))
console.log(`ready ${docs.length}`)
