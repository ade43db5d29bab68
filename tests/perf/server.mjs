// automerge-repo's sync server as its documentation sets it up: a Repo with the Node
// filesystem storage and the WebSocket server adapter, sharing every document. It imports
// the benchmark's documents (saved Automerge bytes, length-prefixed in one file) before it
// starts listening, and writes their URLs for the client.
//
//   node server.mjs PORT STORAGE_DIR DOCS_FILE URLS_OUT
import fs from "node:fs"
import { Repo } from "@automerge/automerge-repo"
import { NodeWSServerAdapter } from "@automerge/automerge-repo-network-websocket"
import { NodeFSStorageAdapter } from "@automerge/automerge-repo-storage-nodefs"
import { WebSocketServer } from "ws"

const [port, storageDir, docsFile, urlsOut] = process.argv.slice(2)
const repo = new Repo({
  storage: new NodeFSStorageAdapter(storageDir),
  sharePolicy: async () => true,
})
const buf = fs.readFileSync(docsFile)
const urls = []
for (let off = 0; off < buf.length; ) {
  const len = buf.readUInt32LE(off)
  off += 4
  urls.push(repo.import(new Uint8Array(buf.subarray(off, off + len))).url)
  off += len
}
await repo.flush()
fs.writeFileSync(urlsOut, urls.join("\n"))
const wss = new WebSocketServer({ host: "127.0.0.1", port: Number(port) })
repo.networkSubsystem.addNetworkAdapter(new NodeWSServerAdapter(wss))
console.log(`ready ${urls.length}`)
