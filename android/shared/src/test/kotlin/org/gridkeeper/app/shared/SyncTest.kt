package org.gridkeeper.app.shared.test

import org.gridkeeper.*
import org.gridkeeper.app.shared.*
import org.gridkeeper.app.shared.screens.*
import org.gridkeeper.test.Relay
import org.junit.Assert.*
import org.junit.Test

class SyncTest {
    @Test
    fun pendingChangesGoOutAndTheStatusSaysSoInPlainWords() = phone("sync") { p ->
        p.store.enroll(Relay.url, Relay.code("钱进"))
        val hid = p.store.createHousehold(GRID, household("吴阿姨", "8", "1", "101"))
        val h = SyncHolder(p.repos)
        val before = h.run(SyncEvent.Refresh)
        assertTrue(before.enrolled)
        assertTrue(before.pending > 0)
        assertEquals("待上传 ${before.pending} 项", before.pendingText)
        assertEquals("从未同步", before.lastSyncText)
        val after = h.run(SyncEvent.SyncNow)
        assertFalse(after.running)
        assertEquals(0L, after.pending)
        assertEquals("全部已上传", after.pendingText)
        assertTrue(after.lastSyncText, after.lastSyncText.startsWith("上次同步："))
        assertNull(after.error)
        assertTrue(h.pollEffect() is SyncEffect.Finished)
        // A second phone of the grid receives the household.
        phone("sync-b") { b ->
            b.store.enroll(Relay.url, Relay.code("郑华"))
            assertTrue(SyncRunner(b.repos).run(CancelToken()) is SyncOutcome.Done)
            assertEquals("吴阿姨", b.store.getHousehold(hid).data.members[0].name)
        }
    }

    @Test
    fun anEditTheServerRefusedIsListedWithWhatToDo() = phone("sync-refused") { p ->
        Relay.admin("grid", "add", "g-other", "--name", "别的网格")
        p.store.enroll(Relay.url, Relay.code("孙丽"))
        val stray = p.store.createHousehold("g-other", household("冯伯", "9", "1", "101"))
        val s = SyncHolder(p.repos).run(SyncEvent.SyncNow)
        assertEquals(0L, s.pending)
        assertEquals(1, s.refused.size)
        assertEquals(stray, s.refused[0].recordId)
        assertEquals("household", s.refused[0].kind)
        assertTrue(s.refused[0].text, s.refused[0].text.contains("仍保存在手机上"))
        assertTrue(s.error, s.error!!.contains("没有收下"))
    }

    @Test
    fun aRescueFileCarriesTheUnsyncedWorkToTheRelayWithoutANetwork() = phone("sync-rescue") { p ->
        p.store.enroll(Relay.url, Relay.code("周敏"))
        val hid = p.store.createHousehold(GRID, household("陈伯", "6", "1", "202"))
        val path = java.io.File(java.nio.file.Files.createTempDirectory("gk-rescue").toFile(), "work.gkrescue").path
        val h = SyncHolder(p.repos)
        val s = h.run(SyncEvent.WriteRescue(path))
        assertTrue(s.rescueText, s.rescueText!!.startsWith("已写入救援文件：1 条记录"))
        assertEquals(SyncEffect.ShareRescue(path), h.pollEffect())
        assertTrue("the work still waits to sync", s.pending > 0 || h.run(SyncEvent.Refresh).pending > 0)
        // The administrator imports it; a second phone receives the household by sync.
        Relay.admin("rescue", "import", path)
        phone("sync-rescue-b") { b ->
            b.store.enroll(Relay.url, Relay.code("吴刚"))
            assertTrue(SyncRunner(b.repos).run(CancelToken()) is SyncOutcome.Done)
            assertEquals("陈伯", b.store.getHousehold(hid).data.members[0].name)
        }
    }

    @Test
    fun aPhoneNotEnrolledIsToldWhatToDoAndTheWorkerDoesNotRetry() = phone("sync-none") { p ->
        val s = SyncHolder(p.repos).run(SyncEvent.SyncNow)
        assertEquals("本机还未注册，请先用主管给的注册码注册", s.error)
        val outcome = SyncRunner(p.repos).run(CancelToken()) as SyncOutcome.Failed
        assertFalse(outcome.retryable)
    }

    @Test
    fun anUnreachableServerIsANetworkFailureToRetry() = phone("sync-down") { p ->
        val e = assertThrows(GridkeeperException::class.java) { p.store.enroll("http://127.0.0.1:9", "x") }
        assertTrue(e is GridkeeperException.Network)
        assertEquals(Strings.get("error.network", Lang.EN), Messages.plainWords(e, Lang.EN))
        assertTrue(Messages.plainWords(e, Lang.ZH).isNotBlank())
    }
}
