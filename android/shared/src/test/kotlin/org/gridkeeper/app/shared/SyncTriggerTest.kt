package org.gridkeeper.app.shared.test

import org.gridkeeper.app.shared.*
import org.junit.Assert.assertEquals
import org.junit.Test

// Until the lead moves the trigger into the core (app/src/sync_trigger.rs), its rules stay
// tested here.
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
