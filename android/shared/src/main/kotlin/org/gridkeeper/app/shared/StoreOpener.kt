package org.gridkeeper.app.shared

import org.gridkeeper.*
import java.io.File

/** The 32-byte store key; on Android it is kept wrapped by a key in the AndroidKeyStore. */
fun interface StoreKeyProvider {
    fun storeKey(): ByteArray
}

/**
 * Opens the signed-in worker's store. Each worker who signs in on a phone has a store file of
 * their own in [slotsDir] (named by a random id, never by the person), so a second worker
 * never sees the first one's records. Always through [GridStore.openOrRecover]: a damaged
 * store is moved aside intact, never deleted, and [GridStore.lastRecovery] says what happened.
 */
object StoreOpener {
    fun open(path: String, attachmentCacheDir: String, keys: StoreKeyProvider): GridStore {
        val key = keys.storeKey()
        if (File(path).exists() && isPlaintextStore(path)) encryptPlaintextStore(path, key)
        return GridStore.openOrRecover(path, key, attachmentCacheDir)
    }

    /** The signed-in worker's store; a fresh one when nobody is signed in. [legacy] is the one
     *  store file of app versions before several workers: it becomes the first worker's. */
    fun openActive(slotsDir: String, attachmentCacheDir: String, keys: StoreKeyProvider, legacy: File? = null): GridStore {
        val path = activeStorePath(slotsDir)
        if (legacy != null && legacy.exists() && !File(path).exists()) adopt(legacy, File(path))
        return open(path, attachmentCacheDir, keys)
    }

    /** Moves the old single store (with its WAL, which may hold the last commits) into a slot.
     *  A rename keeps the file itself, so its history and actor stay as they were. */
    private fun adopt(legacy: File, slot: File) {
        for (suffix in listOf("-wal", "-shm", "")) {
            val from = File(legacy.path + suffix)
            if (from.exists() && !from.renameTo(File(slot.path + suffix))) {
                throw GridkeeperException.Storage("cannot move the store into its slot")
            }
        }
    }
}
