import Foundation
import Gridkeeper

/// The 32-byte store key; on iOS it is kept in the Keychain (App/Sources/Glue/Keychain.swift).
public protocol StoreKeyProvider {
    func storeKey() throws -> Data
}

/// Opens the signed-in worker's store. Each worker who signs in on a phone has a store file of
/// their own in `slotsDir` (named by a random id, never by the person), so a second worker
/// never sees the first one's records. Always through `GridStore.openOrRecover`: a damaged
/// store is moved aside intact, never deleted, and `lastRecovery()` says what happened.
public enum StoreOpener {
    public static func open(path: String, attachmentCacheDir: String, keys: StoreKeyProvider) throws -> GridStore {
        let key = try keys.storeKey()
        if FileManager.default.fileExists(atPath: path), try isPlaintextStore(path: path) {
            try encryptPlaintextStore(path: path, key: key)
        }
        return try GridStore.openOrRecover(path: path, key: key, attachmentCacheDir: attachmentCacheDir)
    }

    /// The signed-in worker's store; a fresh one when nobody is signed in. `legacy` is the one
    /// store file of app versions before several workers: it becomes the first worker's.
    public static func openActive(slotsDir: String, attachmentCacheDir: String, keys: StoreKeyProvider, legacy: String? = nil) throws -> GridStore {
        let path = try activeStorePath(slotsDir: slotsDir)
        let files = FileManager.default
        if let legacy, files.fileExists(atPath: legacy), !files.fileExists(atPath: path) {
            try adopt(legacy, path)
        }
        return try open(path: path, attachmentCacheDir: attachmentCacheDir, keys: keys)
    }

    /// Moves the old single store (with its WAL, which may hold the last commits) into a slot.
    /// A rename keeps the file itself, so its history and actor stay as they were.
    private static func adopt(_ legacy: String, _ slot: String) throws {
        for suffix in ["-wal", "-shm", ""] where FileManager.default.fileExists(atPath: legacy + suffix) {
            do {
                try FileManager.default.moveItem(atPath: legacy + suffix, toPath: slot + suffix)
            } catch {
                throw GridkeeperError.Storage(detail: "cannot move the store into its slot")
            }
        }
    }
}
