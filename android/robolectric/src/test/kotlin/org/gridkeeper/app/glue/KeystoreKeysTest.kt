package org.gridkeeper.app.glue

import org.junit.Assert.assertArrayEquals
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotEquals
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.Rule
import org.junit.Test
import org.junit.rules.TemporaryFolder
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.RuntimeEnvironment
import java.io.File
import java.security.KeyStoreException
import javax.crypto.AEADBadTagException
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey

/**
 * The wrapped-key file with a JCE AES key standing in for the AndroidKeyStore's, which
 * Robolectric does not have (the first test shows it): the provider itself, and that its key
 * never leaves the phone, are verified only on a phone.
 */
@RunWith(RobolectricTestRunner::class)
class KeystoreKeysTest {
    @get:Rule val tmp = TemporaryFolder()

    private fun aesKey(): SecretKey = KeyGenerator.getInstance("AES").apply { init(256) }.generateKey()

    @Test fun theAndroidKeyStoreIsNotThereUnderRobolectric() {
        val app = RuntimeEnvironment.getApplication()
        try {
            KeystoreKeys(app).storeKey()
            fail("AndroidKeyStore answered under Robolectric: test KeystoreKeys with it instead")
        } catch (e: KeyStoreException) {
            assertTrue(e.message, e.message!!.contains("AndroidKeyStore"))
        }
        // Failing before anything was sealed leaves no file that a later open would trust.
        assertFalse(File(app.noBackupFilesDir, KeystoreKeys.FILE_NAME).exists())
        assertFalse(File(app.noBackupFilesDir, KeystoreKeys.FILE_NAME + ".tmp").exists())
    }

    @Test fun theFirstOpenMakesA32ByteKeyAndKeepsItOnlyWrapped() {
        val file = File(tmp.root, "store.key")
        val key = KeystoreKeys(file, aesKey().let { k -> { k } }).storeKey()
        assertEquals(32, key.size)
        assertNotEquals(0, key.count { it != 0.toByte() })
        // 12-byte nonce, the sealed key, the 16-byte tag; the raw key is nowhere in it.
        val sealed = file.readBytes()
        assertEquals(12 + 32 + 16, sealed.size)
        assertFalse(sealed.toList().windowed(32).any { it == key.toList() })
        assertFalse(File(tmp.root, "store.key.tmp").exists())
    }

    @Test fun laterOpensGetTheSameKeyBack() {
        val file = File(tmp.root, "store.key")
        val wrapping = aesKey()
        val first = KeystoreKeys(file) { wrapping }
        val key = first.storeKey()
        assertArrayEquals(key, first.storeKey())
        // A new process: nothing cached, the file unwrapped again.
        var asked = 0
        val again = KeystoreKeys(file) { asked++; wrapping }
        assertArrayEquals(key, again.storeKey())
        assertArrayEquals(key, again.storeKey())
        assertEquals("unwrapped once, then held", 1, asked)
    }

    @Test fun twoPhonesDrawDifferentKeys() {
        val a = KeystoreKeys(File(tmp.root, "a.key"), aesKey().let { k -> { k } }).storeKey()
        val b = KeystoreKeys(File(tmp.root, "b.key"), aesKey().let { k -> { k } }).storeKey()
        assertFalse(a.contentEquals(b))
    }

    @Test fun aTamperedFileIsRefusedAndLeftAsItWas() {
        val file = File(tmp.root, "store.key")
        val wrapping = aesKey()
        KeystoreKeys(file) { wrapping }.storeKey()
        for (at in listOf(0, 20, 12 + 32 + 15)) {
            val sealed = file.readBytes()
            val tampered = sealed.copyOf().also { it[at] = (it[at].toInt() xor 1).toByte() }
            file.writeBytes(tampered)
            try {
                KeystoreKeys(file) { wrapping }.storeKey()
                fail("a file changed at byte $at was accepted")
            } catch (e: AEADBadTagException) {
                // A new key here would lock the worker out of their store for good.
            }
            assertArrayEquals(tampered, file.readBytes())
            file.writeBytes(sealed)
        }
    }

    @Test fun aCopiedFileIsUselessWithAnotherPhonesKey() {
        val file = File(tmp.root, "store.key")
        KeystoreKeys(file, aesKey().let { k -> { k } }).storeKey()
        try {
            KeystoreKeys(file, aesKey().let { k -> { k } }).storeKey()
            fail("unwrapped with another key")
        } catch (e: AEADBadTagException) {
        }
    }

    @Test fun aTruncatedFileIsRefused() {
        val file = File(tmp.root, "store.key")
        val wrapping = aesKey()
        KeystoreKeys(file) { wrapping }.storeKey()
        file.writeBytes(file.readBytes().copyOf(30))
        try {
            KeystoreKeys(file) { wrapping }.storeKey()
            fail("a truncated file was accepted")
        } catch (e: java.security.GeneralSecurityException) {
        }
    }

    @Test fun startingOverKeepsTheOldWrappedKeyAsideAndMakesANewOne() {
        val file = File(tmp.root, "store.key")
        var wrapping = aesKey()
        val keys = KeystoreKeys(file) { wrapping }
        var forgotten = 0
        keys.forgetWrappingKey = { forgotten++; wrapping = aesKey() }
        val old = keys.storeKey()
        val sealedBefore = file.readBytes()

        keys.startOver()
        val fresh = keys.storeKey()

        assertEquals(1, forgotten)
        assertEquals(32, fresh.size)
        assertFalse("a new key", old.contentEquals(fresh))
        val kept = tmp.root.listFiles()!!.single { it.name.startsWith("store.key.lost-") }
        assertArrayEquals("the old wrapped key kept, byte for byte", sealedBefore, kept.readBytes())
        assertArrayEquals("the new key is what later opens get", fresh, KeystoreKeys(file) { wrapping }.storeKey())
    }
}
