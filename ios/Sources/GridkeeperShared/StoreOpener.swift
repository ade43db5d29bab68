import Foundation
import Gridkeeper

/// The 32-byte store key; on iOS it is kept in the Keychain (App/Sources/Glue/Keychain.swift).
public protocol StoreKeyProvider {
    func storeKey() throws -> Data
}

/// Opens the signed-in worker's store with the key from the Keychain. What opening does — the
/// worker's own slot, the old single store adopted, a plaintext store encrypted, a damaged one
/// set aside — is the library's (`GridStore.openActive`), the same on both phones.
public enum StoreOpener {
    public static func openActive(slotsDir: String, attachmentCacheDir: String, keys: StoreKeyProvider, legacy: String? = nil) throws -> GridStore {
        try GridStore.openActive(slotsDir: slotsDir, key: keys.storeKey(), attachmentCacheDir: attachmentCacheDir, legacyPath: legacy)
    }
}
