// Android twin: android/app/src/main/java/org/gridkeeper/app/glue/KeystoreKeys.kt
import Foundation
import GridkeeperShared
import Security

/// The store's 32-byte SQLCipher key: random, created on first use and kept as a generic
/// password in the Keychain, readable after the first unlock (so a background sync can open
/// the store) and only on this device (never in a backup or on another phone). A copied
/// store file is useless without it.
final class KeychainKeys: StoreKeyProvider, @unchecked Sendable {
    private let service = "org.gridkeeper.app"
    private let account = "store-key"
    private let lock = NSLock()
    private var cached: Data?

    enum Failure: Error {
        case keychain(OSStatus)
        case random(OSStatus)
    }

    func storeKey() throws -> Data {
        lock.lock()
        defer { lock.unlock() }
        if let cached { return cached }
        let key = try read() ?? create()
        cached = key
        return key
    }

    /// The worker's choice on the "cannot be opened" screen: the Keychain item is kept under
    /// another name (never deleted), and the next `storeKey` makes a new key; the library then
    /// moves the store it no longer opens aside intact and opens a fresh one to enrol again.
    func startOver() throws {
        lock.lock()
        defer { lock.unlock() }
        cached = nil
        let kept: [String: Any] = [kSecAttrAccount as String: "\(account)-lost-\(Int(Date().timeIntervalSince1970))"]
        let status = SecItemUpdate(query as CFDictionary, kept as CFDictionary)
        guard status == errSecSuccess || status == errSecItemNotFound else { throw Failure.keychain(status) }
    }

    private var query: [String: Any] {
        [
            kSecClass as String: kSecClassGenericPassword,
            kSecAttrService as String: service,
            kSecAttrAccount as String: account,
        ]
    }

    private func read() throws -> Data? {
        var q = query
        q[kSecReturnData as String] = true
        q[kSecMatchLimit as String] = kSecMatchLimitOne
        var item: CFTypeRef?
        let status = SecItemCopyMatching(q as CFDictionary, &item)
        switch status {
        case errSecSuccess:
            guard let data = item as? Data, data.count == 32 else { throw Failure.keychain(errSecDecode) }
            return data
        case errSecItemNotFound:
            return nil
        default:
            // errSecInteractionNotAllowed before the first unlock: fail rather than make a new
            // key, which would orphan the store.
            throw Failure.keychain(status)
        }
    }

    private func create() throws -> Data {
        var bytes = [UInt8](repeating: 0, count: 32)
        let made = SecRandomCopyBytes(kSecRandomDefault, bytes.count, &bytes)
        guard made == errSecSuccess else { throw Failure.random(made) }
        let key = Data(bytes)
        var add = query
        add[kSecValueData as String] = key
        add[kSecAttrAccessible as String] = kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly
        let status = SecItemAdd(add as CFDictionary, nil)
        guard status == errSecSuccess else { throw Failure.keychain(status) }
        return key
    }
}
