package org.gridkeeper.app.shared.test

import org.gridkeeper.*
import org.gridkeeper.app.shared.*
import org.gridkeeper.app.shared.screens.*
import org.gridkeeper.test.Relay
import org.gridkeeper.test.key
import org.gridkeeper.test.tempDir
import org.junit.Assert.*
import org.junit.Test
import java.io.File

/** A phone as the app opens it: one store per signed-in worker in a slots directory. */
private class SharedPhone(name: String) : AutoCloseable {
    val dir: File = tempDir(name)
    val key: ByteArray = key()
    val slots: String = File(dir, "stores").path
    var store: GridStore = open()
    var repos = Repositories(store, slots)

    fun open(): GridStore = StoreOpener.openActive(slots, File(dir, "cache").path, { key })

    /** What the app does after a sign-out: open whoever signs in next. */
    fun reopen() {
        store.close()
        store = open()
        repos = Repositories(store, slots)
    }

    override fun close() = store.close()
}

private const val HOUR = 3_600_000L

class FieldPhonesTest {
    @Test
    fun unsyncedWorkShowsItsAgeAndWarnsPlainlyAfterADay() = phone("field-age") { p ->
        val now = System.currentTimeMillis()
        p.store.createHousehold(GRID, household("陈伯", "7", "1", "101"))
        val fresh = SyncHolder(p.repos, clock = { now }).run(SyncEvent.Refresh)
        assertEquals("${fresh.pending} 项未上传，最早的在 1 小时内", fresh.unsyncedText)
        assertNull(fresh.overdueWarning)

        val later = SyncHolder(p.repos, clock = { now + 5 * HOUR + 60_000 }).run(SyncEvent.Refresh)
        assertEquals("${later.pending} 项未上传，最早的在 5 小时前", later.unsyncedText)
        assertNull(later.overdueWarning)

        val dayLater = SyncHolder(p.repos, clock = { now + 30 * HOUR }).run(SyncEvent.Refresh)
        assertEquals("${dayLater.pending} 项未上传，最早的在 30 小时前", dayLater.unsyncedText)
        assertTrue(dayLater.overdueWarning, dayLater.overdueWarning!!.contains("超过一天没有上传"))
        val english = SyncHolder(p.repos, Lang.EN, clock = { now + 30 * HOUR }).run(SyncEvent.Refresh)
        assertEquals("${english.pending} not sent yet, the oldest 30 hours ago", english.unsyncedText)
        assertTrue(english.overdueWarning!!.startsWith("Work on this phone has not reached the server"))
        // Core judged the status with the real clock: a fresh edit is not overdue.
        assertFalse(p.store.syncStatus().unsyncedOverdue)

        // Sent: no count, no age, no warning — whatever the clock says.
        p.store.enroll(Relay.url, Relay.code("陈静"))
        val sent = SyncHolder(p.repos, clock = { now + 30 * HOUR }).run(SyncEvent.SyncNow)
        assertEquals(0L, sent.pending)
        assertNull(sent.unsyncedText)
        assertNull(sent.overdueWarning)
    }

    @Test
    fun signingOutWithUnsyncedWorkAsksFirstAndTheNextWorkerSeesNoneOfIt() = SharedPhone("field-signout").use { p ->
        p.store.enroll(Relay.url, Relay.code("周红"))
        val first = p.store.createHousehold(GRID, household("何奶奶", "5", "2", "202"))
        val h = SyncHolder(p.repos)
        val asked = h.run(SyncEvent.SignOut)
        val pending = p.store.syncStatus().pendingChanges.toLong()
        assertEquals("本机还有 $pending 项没有上传到服务器（其中 0 项被服务器退回）。退出后这些内容仍保留在手机上，有网时会继续上传，但其他人登录看不到。确定退出吗？",
            asked.signOutQuestion)
        assertNull(h.pollEffect())
        // Not now: still signed in, the store still works.
        val kept = h.run(SyncEvent.KeepSignedIn)
        assertNull(kept.signOutQuestion)
        assertEquals("何奶奶", p.store.getHousehold(first).data.members[0].name)

        val out = h.run(SyncEvent.SignOut, SyncEvent.ConfirmSignOut)
        assertNull(out.signOutQuestion)
        assertEquals("已退出。未上传的内容保留在手机上，有网时会继续上传。", out.signedOutText)
        assertEquals(SyncEffect.SignedOut(removed = false), h.pollEffect())
        val keptStores = keptStorePaths(p.slots)
        assertEquals(1, keptStores.size)
        assertThrows(GridkeeperException.Storage::class.java) { p.store.syncStatus() }

        // The next worker gets a store of their own: nothing of the first one's is there.
        p.reopen()
        assertFalse(p.store.syncStatus().enrolled)
        assertTrue(p.store.listHouseholds(null, null).isEmpty())
        p.store.enroll(Relay.url, Relay.code("吴刚"))
        assertTrue(p.store.listHouseholds(null, null).none { it.id == first })

        // The first worker's kept work still goes up, and then its store goes.
        assertTrue(syncKeptStore(p.slots, keptStores[0], p.key, CancelToken()))
        assertTrue(keptStorePaths(p.slots).isEmpty())
        assertFalse(File(keptStores[0]).exists())
    }

    @Test
    fun aWorkerWithEverythingSentSignsOutWithoutAQuestion() = SharedPhone("field-clean").use { p ->
        p.store.enroll(Relay.url, Relay.code("郑伟"))
        p.store.createHousehold(GRID, household("钱叔", "6", "1", "301"))
        val path = activeStorePath(p.slots)
        val h = SyncHolder(p.repos)
        h.run(SyncEvent.SyncNow)
        h.pollEffect()
        val out = h.run(SyncEvent.SignOut)
        assertNull(out.signOutQuestion)
        assertEquals("已退出。所有记录都已在服务器上。", out.signedOutText)
        assertEquals(SyncEffect.SignedOut(removed = true), h.pollEffect())
        assertFalse(File(path).exists())
        assertNotEquals(path, activeStorePath(p.slots))
    }

    @Test
    fun aDamagedStoreIsSetAsideNotDeletedAndTheWorkerIsTold() {
        val dir = tempDir("field-damaged")
        val slots = File(dir, "stores").path
        val key = key()
        val path = File(activeStorePath(slots))
        path.writeBytes(ByteArray(8192) { (it % 251).toByte() })
        val store = StoreOpener.openActive(slots, File(dir, "cache").path, { key })
        store.use {
            val repos = Repositories(store, slots)
            val h = SyncHolder(repos)
            val s = h.run(SyncEvent.Refresh)
            assertTrue(s.recovery, s.recovery!!.contains("原文件已原样保留"))
            val moved = File(store.lastRecovery()!!.movedTo)
            assertTrue("the damaged file is kept", moved.exists())
            assertEquals(8192L, moved.length())
            assertNull(h.run(SyncEvent.DismissRecovery).recovery)
            assertNull(store.lastRecovery())
        }
    }

    @Test
    fun theOldSingleStoreBecomesTheFirstWorkersSlot() {
        val dir = tempDir("field-legacy")
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

class SyncTriggerTest {
    private var now = 1_000_000L
    private val trigger = SyncTrigger(clock = { now }, debounceMillis = 20_000, resumeAfterMillis = 900_000)

    @Test
    fun nothingHappensOfflineOrWhileASyncRuns() {
        assertEquals(SyncDecision.No, trigger.decide(SyncReason.APP_START, online = false, running = false, pending = 3))
        assertEquals(SyncDecision.No, trigger.decide(SyncReason.SAVED, online = true, running = true, pending = 3))
    }

    @Test
    fun startAndAConnectionComingBackAlwaysSync() {
        assertEquals(SyncDecision.Now, trigger.decide(SyncReason.APP_START, online = true, running = false, pending = 0))
        assertEquals(SyncDecision.Now, trigger.decide(SyncReason.CONNECTED, online = true, running = false, pending = 0))
    }

    @Test
    fun savesAreGatheredIntoOneSyncAndAskedForAgainAfterTheQuietPeriod() {
        assertEquals(SyncDecision.No, trigger.decide(SyncReason.SAVED, online = true, running = false, pending = 0))
        assertEquals(SyncDecision.Now, trigger.decide(SyncReason.SAVED, online = true, running = false, pending = 1))
        now += 5_000
        assertEquals(SyncDecision.Later(15_000), trigger.decide(SyncReason.SAVED, online = true, running = false, pending = 2))
        now += 15_000
        assertEquals(SyncDecision.Now, trigger.decide(SyncReason.SAVED, online = true, running = false, pending = 2))
    }

    @Test
    fun resumingSyncsOnlyWithWorkWaitingOrAfterAWhile() {
        assertEquals(SyncDecision.Now, trigger.decide(SyncReason.APP_START, online = true, running = false, pending = 0))
        now += 60_000
        assertEquals(SyncDecision.No, trigger.decide(SyncReason.RESUME, online = true, running = false, pending = 0))
        assertEquals(SyncDecision.Now, trigger.decide(SyncReason.RESUME, online = true, running = false, pending = 1))
        now += 900_000
        assertEquals(SyncDecision.Now, trigger.decide(SyncReason.RESUME, online = true, running = false, pending = 0))
    }
}
