package org.gridkeeper.app.shared.test

import org.gridkeeper.*
import org.gridkeeper.app.shared.StoreOpener
import org.gridkeeper.test.key
import org.gridkeeper.test.tempDir
import org.junit.Assert.*
import org.junit.Test
import java.io.File

// StoreOpener is the phone's own (slots, the legacy file, recovery), not a screen's.
class StoreOpenerTest {
    @Test
    fun aDamagedStoreIsSetAsideNotDeleted() {
        val dir = tempDir("opener-damaged")
        val slots = File(dir, "stores").path
        val key = key()
        val path = File(activeStorePath(slots))
        path.parentFile.mkdirs()
        path.writeBytes(ByteArray(8192) { (it % 251).toByte() })
        StoreOpener.openActive(slots, File(dir, "cache").path, { key }).use { store ->
            val moved = File(store.lastRecovery()!!.movedTo)
            assertTrue("the damaged file is kept", moved.exists())
            assertEquals(8192L, moved.length())
        }
    }

    @Test
    fun theOldSingleStoreBecomesTheFirstWorkersSlot() {
        val dir = tempDir("opener-legacy")
        val key = key()
        val legacy = File(dir, "gridkeeper.db")
        val hid = GridStore.open(legacy.path, key, File(dir, "cache").path).use {
            it.createHousehold(GRID, household("孙婆婆", "1", "1", "102"))
        }
        val slots = File(dir, "stores").path
        StoreOpener.openActive(slots, File(dir, "cache").path, { key }, legacy).use { store ->
            assertEquals("孙婆婆", store.getHousehold(hid).data.members[0].name)
        }
        assertFalse(legacy.exists())
        assertTrue(File(activeStorePath(slots)).exists())
    }
}
