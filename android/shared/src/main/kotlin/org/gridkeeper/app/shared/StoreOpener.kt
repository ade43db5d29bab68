package org.gridkeeper.app.shared

import org.gridkeeper.*
import java.io.File

/** The 32-byte store key; on Android it is kept wrapped by a key in the AndroidKeyStore. */
fun interface StoreKeyProvider {
    fun storeKey(): ByteArray
}

/**
 * Opens the signed-in worker's store with the key from the keystore. What opening does —
 * the worker's own slot, the old single store adopted, a plaintext store encrypted, a damaged
 * one set aside — is the library's ([GridStore.openActive]), the same on both phones.
 */
object StoreOpener {
    fun openActive(slotsDir: String, attachmentCacheDir: String, keys: StoreKeyProvider, legacy: File? = null): GridStore =
        GridStore.openActive(slotsDir, keys.storeKey(), attachmentCacheDir, legacy?.path)
}
