package org.gridkeeper.app.glue

import android.content.Context
import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyProperties
import org.gridkeeper.app.shared.StoreKeyProvider
import java.io.File
import java.security.KeyStore
import java.security.SecureRandom
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec

/**
 * The store's 32-byte SQLCipher key, random, kept in app files wrapped (AES-GCM) by a key
 * that never leaves the AndroidKeyStore. A copied file is useless without this phone's
 * keystore; the raw key exists only in memory while the app runs.
 *
 * [wrappingKey] is the AndroidKeyStore's on a phone; tests hand in a plain JCE key, since
 * Robolectric has no AndroidKeyStore provider.
 */
class KeystoreKeys(
    private val wrapped: File,
    private val wrappingKey: () -> SecretKey = { androidKeyStoreKey() },
) : StoreKeyProvider {
    /** What [startOver] does to the wrapping key: drops the AndroidKeyStore's (tests swap it). */
    var forgetWrappingKey: () -> Unit = { forgetAndroidKeyStoreKey() }

    // noBackupFilesDir: a restored backup on another phone could not unwrap it anyway.
    constructor(context: Context) : this(File(context.noBackupFilesDir, FILE_NAME))

    @Volatile private var cached: ByteArray? = null

    @Synchronized
    override fun storeKey(): ByteArray {
        cached?.let { return it }
        // A file that does not unwrap throws: making a new key would orphan every store
        // sealed with the old one, so the worker's unsynced visits with it.
        val key = if (wrapped.exists()) unwrap(wrapped.readBytes()) else create()
        cached = key
        return key
    }

    /**
     * The worker's choice on the "cannot be opened" screen when the key is gone for good: the
     * wrapped key is kept beside the new one (`store.key.lost-<time>`), never deleted, and the
     * next [storeKey] makes a new key. The store it no longer opens is then moved aside intact
     * by the library and a fresh one opened, which the worker enrols again.
     */
    @Synchronized
    fun startOver() {
        cached = null
        if (wrapped.exists()) {
            val kept = File(wrapped.path + ".lost-" + System.currentTimeMillis())
            check(wrapped.renameTo(kept)) { "cannot keep the old wrapped key aside" }
        }
        // A keystore key that was invalidated (the screen lock removed) stays unusable.
        forgetWrappingKey()
    }

    private fun create(): ByteArray {
        val key = ByteArray(32).also(SecureRandom()::nextBytes)
        val cipher = Cipher.getInstance(TRANSFORMATION)
        cipher.init(Cipher.ENCRYPT_MODE, wrappingKey())
        // The keystore picks the nonce; it is stored in front of the wrapped key.
        val sealed = cipher.iv + cipher.doFinal(key)
        val tmp = File(wrapped.path + ".tmp")
        tmp.outputStream().use { it.write(sealed); it.fd.sync() }
        check(tmp.renameTo(wrapped)) { "cannot store the wrapped key" }
        return key
    }

    private fun unwrap(sealed: ByteArray): ByteArray {
        val cipher = Cipher.getInstance(TRANSFORMATION)
        cipher.init(Cipher.DECRYPT_MODE, wrappingKey(), GCMParameterSpec(128, sealed, 0, NONCE))
        return cipher.doFinal(sealed, NONCE, sealed.size - NONCE)
    }

    companion object {
        const val FILE_NAME = "store.key"
        private const val PROVIDER = "AndroidKeyStore"
        private const val ALIAS = "gridkeeper-store-key-wrap"
        private const val TRANSFORMATION = "AES/GCM/NoPadding"
        private const val NONCE = 12

        /** Drops the wrapping key from the AndroidKeyStore, so the next use makes a new one. */
        fun forgetAndroidKeyStoreKey() {
            KeyStore.getInstance(PROVIDER).apply { load(null) }.deleteEntry(ALIAS)
        }

        /** This phone's wrapping key, made on first use; it cannot be exported. */
        fun androidKeyStoreKey(): SecretKey {
            val keyStore = KeyStore.getInstance(PROVIDER).apply { load(null) }
            (keyStore.getKey(ALIAS, null) as? SecretKey)?.let { return it }
            val generator = KeyGenerator.getInstance(KeyProperties.KEY_ALGORITHM_AES, PROVIDER)
            generator.init(
                KeyGenParameterSpec.Builder(ALIAS, KeyProperties.PURPOSE_ENCRYPT or KeyProperties.PURPOSE_DECRYPT)
                    .setBlockModes(KeyProperties.BLOCK_MODE_GCM)
                    .setEncryptionPaddings(KeyProperties.ENCRYPTION_PADDING_NONE)
                    .setKeySize(256)
                    .build(),
            )
            return generator.generateKey()
        }
    }
}
