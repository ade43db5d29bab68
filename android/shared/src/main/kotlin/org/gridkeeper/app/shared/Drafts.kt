package org.gridkeeper.app.shared

import java.io.ByteArrayInputStream
import java.io.ByteArrayOutputStream
import java.io.File
import java.io.FileOutputStream
import java.io.InputStreamReader
import java.io.OutputStreamWriter
import java.nio.file.Files
import java.nio.file.StandardCopyOption
import java.security.GeneralSecurityException
import java.security.MessageDigest
import java.security.SecureRandom
import java.util.Properties
import javax.crypto.Cipher
import javax.crypto.Mac
import javax.crypto.spec.GCMParameterSpec
import javax.crypto.spec.SecretKeySpec

/**
 * Unsaved form input, kept so a form survives the app being killed (low memory on a 2 GB
 * phone, a call coming in). A draft is a flat map of field path → text; each form writes
 * its draft on every change and clears it once the record is saved.
 */
interface DraftStore {
    fun save(key: String, fields: Map<String, String>)
    fun load(key: String): Map<String, String>?
    fun clear(key: String)
}

/** Seals draft bytes at rest: drafts hold residents' names and ID numbers (PIPL). */
interface DraftCipher {
    fun seal(plain: ByteArray): ByteArray
    fun open(sealed: ByteArray): ByteArray

    object None : DraftCipher {
        override fun seal(plain: ByteArray) = plain
        override fun open(sealed: ByteArray) = sealed
    }
}

/** AES-256-GCM with a random nonce per write; the nonce is stored before the ciphertext. */
class AesGcmDraftCipher(key: ByteArray) : DraftCipher {
    private val secret = SecretKeySpec(key.copyOf(), "AES")
    private val random = SecureRandom()

    init {
        require(key.size == 32) { "a draft key has 32 bytes" }
    }

    override fun seal(plain: ByteArray): ByteArray {
        val nonce = ByteArray(NONCE).also(random::nextBytes)
        val cipher = Cipher.getInstance("AES/GCM/NoPadding")
        cipher.init(Cipher.ENCRYPT_MODE, secret, GCMParameterSpec(128, nonce))
        return nonce + cipher.doFinal(plain)
    }

    override fun open(sealed: ByteArray): ByteArray {
        if (sealed.size < NONCE) throw GeneralSecurityException("draft too short")
        val cipher = Cipher.getInstance("AES/GCM/NoPadding")
        cipher.init(Cipher.DECRYPT_MODE, secret, GCMParameterSpec(128, sealed, 0, NONCE))
        return cipher.doFinal(sealed, NONCE, sealed.size - NONCE)
    }

    companion object {
        private const val NONCE = 12

        /** A key for drafts derived from the store key, so one keystore secret serves both
         *  without the same key being used for two purposes. */
        fun fromStoreKey(storeKey: ByteArray): AesGcmDraftCipher {
            val mac = Mac.getInstance("HmacSHA256")
            mac.init(SecretKeySpec(storeKey, "HmacSHA256"))
            return AesGcmDraftCipher(mac.doFinal("gridkeeper drafts v1".toByteArray()))
        }
    }
}

/**
 * One file per draft in an app-private directory. A write goes to a temporary file that is
 * synced and then renamed over the old one, so a kill mid-write leaves the previous draft,
 * never half of one. File names are hashes of the keys: a record id stays out of the name.
 */
class FileDraftStore(
    private val dir: File,
    private val cipher: DraftCipher = DraftCipher.None,
) : DraftStore {
    init {
        dir.mkdirs()
    }

    private fun fileOf(key: String): File {
        val digest = MessageDigest.getInstance("SHA-256").digest(key.toByteArray())
        return File(dir, digest.joinToString("") { "%02x".format(it) } + ".draft")
    }

    override fun save(key: String, fields: Map<String, String>) {
        val props = Properties()
        fields.forEach { (k, v) -> props.setProperty(k, v) }
        val plain = ByteArrayOutputStream().also { out ->
            OutputStreamWriter(out, Charsets.UTF_8).use { props.store(it, null) }
        }.toByteArray()
        val target = fileOf(key)
        val tmp = File(dir, target.name + ".tmp")
        FileOutputStream(tmp).use { out ->
            out.write(cipher.seal(plain))
            out.fd.sync()
        }
        Files.move(tmp.toPath(), target.toPath(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE)
    }

    /** The draft, or null when there is none or it cannot be read (a changed key): a form
     *  then starts empty rather than failing to open. */
    override fun load(key: String): Map<String, String>? {
        val file = fileOf(key)
        if (!file.exists()) return null
        return try {
            val plain = cipher.open(file.readBytes())
            val props = Properties()
            InputStreamReader(ByteArrayInputStream(plain), Charsets.UTF_8).use { props.load(it) }
            props.stringPropertyNames().associateWith { props.getProperty(it) }
        } catch (e: GeneralSecurityException) {
            null
        } catch (e: java.io.IOException) {
            null
        }
    }

    override fun clear(key: String) {
        fileOf(key).delete()
    }
}

/** Drafts in memory, for previews and tests of forms that do not test process death. */
class MemoryDraftStore : DraftStore {
    private val drafts = java.util.concurrent.ConcurrentHashMap<String, Map<String, String>>()
    override fun save(key: String, fields: Map<String, String>) { drafts[key] = fields.toMap() }
    override fun load(key: String): Map<String, String>? = drafts[key]
    override fun clear(key: String) { drafts.remove(key) }
}
