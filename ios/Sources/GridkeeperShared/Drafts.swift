// Kotlin twin: android/shared/src/main/kotlin/org/gridkeeper/app/shared/Drafts.kt
import CryptoKit
import Foundation

/// Unsaved form input, kept so a form survives the app being killed (memory pressure, a call
/// coming in). A draft is a flat map of field path → text; each form writes its draft on
/// every change and clears it once the record is saved.
public protocol DraftStore: AnyObject {
    func save(_ key: String, _ fields: [String: String])
    func load(_ key: String) -> [String: String]?
    func clear(_ key: String)
}

/// Seals draft bytes at rest: drafts hold residents' names and ID numbers (PIPL).
public protocol DraftCipher {
    func seal(_ plain: Data) throws -> Data
    func open(_ sealed: Data) throws -> Data
}

public struct NoDraftCipher: DraftCipher {
    public init() {}
    public func seal(_ plain: Data) throws -> Data { plain }
    public func open(_ sealed: Data) throws -> Data { sealed }
}

/// AES-256-GCM with a random nonce per write; stored as nonce ‖ ciphertext ‖ tag, the layout
/// the Kotlin cipher writes.
public struct AesGcmDraftCipher: DraftCipher {
    private let key: SymmetricKey

    public init(key: Data) {
        precondition(key.count == 32, "a draft key has 32 bytes")
        self.key = SymmetricKey(data: key)
    }

    public func seal(_ plain: Data) throws -> Data {
        guard let combined = try AES.GCM.seal(plain, using: key).combined else { throw CryptoKitError.incorrectParameterSize }
        return combined
    }

    public func open(_ sealed: Data) throws -> Data {
        try AES.GCM.open(AES.GCM.SealedBox(combined: sealed), using: key)
    }

    /// A key for drafts derived from the store key, so one Keychain secret serves both
    /// without the same key being used for two purposes.
    public static func fromStoreKey(_ storeKey: Data) -> AesGcmDraftCipher {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("gridkeeper drafts v1".utf8), using: SymmetricKey(data: storeKey))
        return AesGcmDraftCipher(key: Data(mac))
    }
}

/// One file per draft in an app-private directory. A write goes to a temporary file that is
/// synced and then renamed over the old one, so a kill mid-write leaves the previous draft,
/// never half of one. File names are hashes of the keys: a record id stays out of the name.
public final class FileDraftStore: DraftStore {
    private let dir: URL
    private let cipher: DraftCipher

    public init(dir: URL, cipher: DraftCipher = NoDraftCipher()) {
        self.dir = dir
        self.cipher = cipher
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    private func fileOf(_ key: String) -> URL {
        let name = SHA256.hash(data: Data(key.utf8)).map { String(format: "%02x", $0) }.joined()
        return dir.appendingPathComponent(name + ".draft")
    }

    public func save(_ key: String, _ fields: [String: String]) {
        let target = fileOf(key)
        let tmp = dir.appendingPathComponent(target.lastPathComponent + ".tmp")
        do {
            let plain = try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])
            let sealed = try cipher.seal(plain)
            FileManager.default.createFile(atPath: tmp.path, contents: nil, attributes: Self.protection)
            let handle = try FileHandle(forWritingTo: tmp)
            defer { try? handle.close() }
            try handle.write(contentsOf: sealed)
            try handle.synchronize()
            // rename(2) replaces the old draft in one step.
            guard rename(tmp.path, target.path) == 0 else { throw CocoaError(.fileWriteUnknown) }
        } catch {
            // A draft is a convenience: a failed write leaves the previous one and the form
            // as it is on screen. Nothing about the draft's content is logged.
            try? FileManager.default.removeItem(at: tmp)
        }
    }

    /// The draft, or nil when there is none or it cannot be read (a changed key): a form
    /// then starts empty rather than failing to open.
    public func load(_ key: String) -> [String: String]? {
        guard let sealed = try? Data(contentsOf: fileOf(key)),
              let plain = try? cipher.open(sealed),
              let fields = try? JSONSerialization.jsonObject(with: plain) as? [String: String]
        else { return nil }
        return fields
    }

    public func clear(_ key: String) {
        try? FileManager.default.removeItem(at: fileOf(key))
    }

    /// Drafts are readable after the first unlock, so a background sync's process can start;
    /// the content is sealed by the cipher either way.
    private static var protection: [FileAttributeKey: Any]? {
        #if os(iOS)
        return [.protectionKey: FileProtectionType.completeUntilFirstUserAuthentication]
        #else
        return nil
        #endif
    }
}

/// Drafts in memory, for previews and tests of forms that do not test process death.
public final class MemoryDraftStore: DraftStore {
    private var drafts: [String: [String: String]] = [:]
    private let lock = NSLock()

    public init() {}

    public func save(_ key: String, _ fields: [String: String]) { locked { drafts[key] = fields } }
    public func load(_ key: String) -> [String: String]? { locked { drafts[key] } }
    public func clear(_ key: String) { locked { drafts[key] = nil } }

    // NSLock.withLock is iOS 17 / macOS 14 only.
    private func locked<T>(_ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }
}
