package org.gridkeeper.app.shared

/** Why the app thinks of syncing now. */
enum class SyncReason { APP_START, RESUME, SAVED, CONNECTED }

/** What the glue does: sync now, ask again after [Later.delayMillis], or nothing. */
sealed interface SyncDecision {
    data object Now : SyncDecision
    data class Later(val delayMillis: Long) : SyncDecision
    data object No : SyncDecision
}

/**
 * When the app syncs by itself. Some phone makers force-stop an app swiped from Recents, so a
 * scheduled background sync may never run: the app also syncs whenever it is in front of the
 * worker — on start, on resume, after a save, when a connection comes back. The glue (Android
 * MainActivity/GridkeeperApp, iOS scenePhase and NWPathMonitor) only reports events here and
 * does what comes back; the rules live in this one tested place, with a Swift twin.
 *
 * - Nothing without a connection or while a sync runs (the running one takes what is queued).
 * - Start and a connection coming back: always.
 * - Resume: when work is waiting, or the last sync this process started is [resumeAfterMillis]
 *   old — coming back from the camera must not sync every time.
 * - Save: when work is waiting; saves within [debounceMillis] of the last start are gathered
 *   into one sync, asked for again once the quiet period is over.
 */
class SyncTrigger(
    private val clock: () -> Long = System::currentTimeMillis,
    private val debounceMillis: Long = 20_000,
    private val resumeAfterMillis: Long = 15 * 60_000,
) {
    private var lastStart: Long? = null

    @Synchronized
    fun decide(reason: SyncReason, online: Boolean, running: Boolean, pending: Long): SyncDecision {
        if (!online || running) return SyncDecision.No
        val now = clock()
        val since = lastStart?.let { now - it }
        val decision = when (reason) {
            SyncReason.APP_START, SyncReason.CONNECTED -> SyncDecision.Now
            SyncReason.RESUME ->
                if (pending > 0 || since == null || since >= resumeAfterMillis) SyncDecision.Now else SyncDecision.No
            SyncReason.SAVED -> when {
                pending <= 0 -> SyncDecision.No
                since != null && since in 0 until debounceMillis -> SyncDecision.Later(debounceMillis - since)
                else -> SyncDecision.Now
            }
        }
        if (decision == SyncDecision.Now) lastStart = now
        return decision
    }
}
