// The relay, key, store and ID-number helpers of bindings/tests/kotlin/GridStoreTest.kt, and
// an effect performer standing in for the app.
import Foundation
import Gridkeeper
import GridkeeperShared
import XCTest

let GRID = "g1"

/// The real relay (the sync server's `gridkeeper-server` binary), started once per test run
/// with a grid `g1`; tests that need it are skipped when the binary is not built.
///
/// The binary is `$GK_SERVER_BIN`, else `target/debug/gridkeeper-server` of this checkout
/// (`cargo build -p gridkeeper-server`). `$GK_RELAY_URL` + `$GK_RELAY_DATA` reuse a relay that
/// is already running (as scripts/test-bindings runs one).
enum Relay {
    private static let repoRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    private struct Running {
        let url: String
        let bin: String
        let data: String
    }

    private static var running: Running?
    private static var startFailure: String?

    static var url: String {
        get throws { try relay().url }
    }

    /// A worker in grid g1 and a one-time code for one of their phones.
    static func code(_ worker: String) throws -> String {
        let r = try relay()
        _ = try admin(r, ["user", "add", worker, "--role", "worker", "--scope", GRID])
        let out = try admin(r, ["enroll-code", worker])
        return out.split(separator: "\n").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
    }

    private static func relay() throws -> Running {
        if let running { return running }
        if let startFailure { throw XCTSkip(startFailure) }
        let env = ProcessInfo.processInfo.environment
        let bin = env["GK_SERVER_BIN"] ?? repoRoot.appendingPathComponent("target/debug/gridkeeper-server").path
        if let url = env["GK_RELAY_URL"], let data = env["GK_RELAY_DATA"] {
            running = Running(url: url, bin: bin, data: data)
            return running!
        }
        #if os(macOS)
        guard FileManager.default.isExecutableFile(atPath: bin) else {
            startFailure = "no relay binary at \(bin): run `cargo build -p gridkeeper-server` first"
            throw XCTSkip(startFailure!)
        }
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("gk-relay-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: bin)
        process.arguments = ["--data", data, "--listen", "127.0.0.1:0", "--rate", "100000", "--burst", "100000"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        relayProcess = process
        atexit { relayProcess?.terminate() }
        // The server prints `listening on http://127.0.0.1:PORT` once it accepts connections.
        let waiter = ListenLine()
        out.fileHandleForReading.readabilityHandler = { handle in waiter.feed(handle) }
        guard waiter.found.wait(timeout: .now() + 20) == .success, let url = waiter.url else {
            startFailure = "the relay did not start"
            throw XCTSkip(startFailure!)
        }
        let r = Running(url: url, bin: bin, data: data)
        _ = try admin(r, ["grid", "add", GRID, "--name", "第一网格"])
        running = r
        return r
        #else
        startFailure = "the relay runs only beside macOS tests (set GK_RELAY_URL and GK_RELAY_DATA)"
        throw XCTSkip(startFailure!)
        #endif
    }

    private static func admin(_ r: Running, _ args: [String]) throws -> String {
        #if os(macOS)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: r.bin)
        p.arguments = ["--data", r.data, "admin"] + args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let bytes = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        #else
        throw XCTSkip("admin commands need macOS")
        #endif
    }
}

#if os(macOS)
private var relayProcess: Process?

/// Collects the relay's output until its `listening on` line (the handler runs on a
/// background queue, hence the lock).
private final class ListenLine: @unchecked Sendable {
    let found = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var buffer = ""
    private var seen: String?

    var url: String? {
        lock.lock()
        defer { lock.unlock() }
        return seen
    }

    func feed(_ handle: FileHandle) {
        let chunk = handle.availableData
        lock.lock()
        defer { lock.unlock() }
        if chunk.isEmpty { handle.readabilityHandler = nil; return }
        guard seen == nil else { return }
        buffer += String(decoding: chunk, as: UTF8.self)
        if let line = buffer.split(separator: "\n").first(where: { $0.hasPrefix("listening on ") }) {
            seen = String(line.dropFirst("listening on ".count)).trimmingCharacters(in: .whitespaces)
            // The handler stays, draining what the relay prints later so it never blocks on a full pipe.
            found.signal()
        }
    }
}
#endif

func randomKey() -> Data {
    var g = SystemRandomNumberGenerator()
    return Data((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &g) })
}

func tempDir(_ name: String) throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gk-swift-\(name)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
}

/// A fresh encrypted store.
final class Phone {
    let dir: URL
    let key: Data
    let store: GridStore

    init(_ name: String) throws {
        dir = try tempDir(name)
        key = randomKey()
        store = try GridStore.open(path: dir.appendingPathComponent("store.db").path, key: key,
                                   attachmentCacheDir: dir.appendingPathComponent("cache").path)
    }
}

/// The app as the screens see it: records each effect, and answers the camera and location
/// effects as the phone would, through the screen's `answer`.
@MainActor
final class Performed: EffectPerformer {
    private(set) var effects: [Effect] = []
    /// The file the camera "wrote", handed back for every `TakePhoto`.
    var photo: String?
    /// Where the phone "is"; nil answers `GetLocation` with unavailable.
    var location: (lat: Double, lon: Double, accuracyM: Double?)?
    private var answering: [Task<Void, Never>] = []

    func perform(_ effect: Effect, for source: EffectSource) {
        effects.append(effect)
        switch effect {
        case let .takePhoto(forField):
            guard let photo else { return }
            answering.append(Task { await source.answer(.photoTaken(forField: forField, path: photo)) })
        case .getLocation:
            let answer: EffectAnswer = location.map { EffectAnswer.located(lat: $0.lat, lon: $0.lon, accuracyM: $0.accuracyM) }
                ?? .locationUnavailable
            answering.append(Task { await source.answer(answer) })
        default:
            break
        }
    }

    /// Waits until every answer given so far has been handled by its screen.
    func answered() async {
        let pending = answering
        answering = []
        for task in pending { await task.value }
    }
}

/// Waits (up to `seconds`) for a watched view to show what `found` looks for: a watch hands
/// its view over from the thread that wrote.
@MainActor
func eventually<T>(_ seconds: Double = 5, _ found: () -> T?) async throws -> T {
    let end = Date().addingTimeInterval(seconds)
    while Date() < end {
        if let value = found() { return value }
        try await Task.sleep(nanoseconds: 10_000_000)
    }
    struct NotSeen: Error {}
    throw NotSeen()
}

func household(_ name: String, _ building: String, _ unit: String, _ room: String, _ tags: MemberTag...,
               idNumber: String? = nil, phone: String? = nil) -> Household {
    Household(
        address: Address(compound: "幸福里", building: building, unit: unit, room: room),
        housingType: .ownerOccupied,
        members: [Member(name: name, idNumber: idNumber, phone: phone, relation: .head, registration: .local, tags: tags)]
    )
}

/// A valid 18-character ID number (GB 11643 check digit).
func idNumber(_ region: String, _ birth: String, _ seq: Int) -> String {
    let first17 = region + birth + String(format: "%03ld", seq)
    let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    let sum = zip(first17, weights).reduce(0) { $0 + Int(String($1.0))! * $1.1 }
    return first17 + String(Array("10X98765432")[sum % 11])
}

/// A valid 1×1 PNG.
let png = Data(base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")!
