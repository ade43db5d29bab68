package org.gridkeeper.app.shared.screens

import kotlinx.coroutines.CoroutineDispatcher
import org.gridkeeper.*
import org.gridkeeper.app.shared.*

/** What one sync attempt came to; the background worker retries only [Failed.retryable]. */
sealed interface SyncOutcome {
    data class Done(val summary: SyncSummary) : SyncOutcome
    data class Failed(val error: GridkeeperException, val retryable: Boolean) : SyncOutcome
}

/** One sync, the same for the WorkManager worker and the 立即同步 button. */
class SyncRunner(private val repos: Repositories) {
    fun run(cancel: CancelToken, onProgress: (SyncProgressInfo) -> Unit = {}): SyncOutcome = try {
        SyncOutcome.Done(repos.sync.sync(object : SyncProgress {
            override fun onProgress(progress: SyncProgressInfo) = onProgress(progress)
        }, cancel))
    } catch (e: GridkeeperException) {
        // A network failure passes; a refusal (not enrolled, revoked) waits for a person.
        SyncOutcome.Failed(e, retryable = e is GridkeeperException.Network)
    }
}

data class SyncState(
    val enrolled: Boolean = false,
    val running: Boolean = false,
    /** 待上传 3 项 / 全部已上传. */
    val pendingText: String = "",
    val pending: Long = 0,
    /** 上次同步：2026-11-29 14:30 / 从未同步. */
    val lastSyncText: String = "",
    /** The last failure in plain words; null when the last attempt worked. */
    val error: String? = null,
    val progress: SyncProgressInfo? = null,
    /** Edits the server refused for good, per record, with what to do: never hidden. */
    val refused: List<RefusedLine> = emptyList(),
    /** 3 项未上传，最早的在 5 小时前; null when everything is sent. */
    val unsyncedText: String? = null,
    /** Said plainly when work has waited over a day: background sync may never have run. */
    val overdueWarning: String? = null,
    /** What opening a damaged store did, until the worker has read it. */
    val recovery: String? = null,
    /** Asked before signing out with unsynced work; null when not asking. */
    val signOutQuestion: String? = null,
    /** After a sign-out: what happened to the work, in words. */
    val signedOutText: String? = null,
    /** After writing a rescue file: what it holds and what to do with it. */
    val rescueText: String? = null,
)

/** One record whose edits the server refused; [text] says why and what to do. */
data class RefusedLine(val recordId: String, val kind: String, val changes: Long, val text: String)

sealed interface SyncEvent {
    data object Refresh : SyncEvent
    data object SyncNow : SyncEvent
    data object Cancel : SyncEvent
    /** The worker has read the recovery notice. */
    data object DismissRecovery : SyncEvent
    /** Signs out, asking first when work is unsynced. */
    data object SignOut : SyncEvent
    /** The worker answered the question: sign out, the work stays on the phone. */
    data object ConfirmSignOut : SyncEvent
    data object KeepSignedIn : SyncEvent
    /** Far from signal: write the unsynced work to a sealed rescue file at [path], for USB or
     *  another phone; an administrator imports it as if this phone had synced. */
    data class WriteRescue(val path: String) : SyncEvent
}

sealed interface SyncEffect {
    data class Finished(val changedRecords: List<String>) : SyncEffect
    /** The store is closed: the app goes back to enrolment (and drops drafts when [removed]). */
    data class SignedOut(val removed: Boolean) : SyncEffect
    /** A rescue file is ready at [path]: offer to share it (USB, another phone). */
    data class ShareRescue(val path: String) : SyncEffect
}

/** The sync status line every screen shows, and sync on demand. */
class SyncHolder(
    private val repos: Repositories,
    private val lang: Lang = Lang.ZH,
    io: CoroutineDispatcher = defaultIo,
    /** Milliseconds since the epoch; a test moves it to see work age. */
    private val clock: () -> Long = System::currentTimeMillis,
) : StateHolder<SyncState, SyncEvent, SyncEffect>(SyncState(), io) {
    private val runner = SyncRunner(repos)
    @Volatile private var cancel: CancelToken? = null

    /** Cancel does not queue behind a running sync: it is handled on the caller's thread. */
    fun cancelNow() {
        cancel?.cancel()
    }

    override suspend fun handle(event: SyncEvent) {
        when (event) {
            SyncEvent.Refresh -> refresh(null)
            SyncEvent.Cancel -> cancelNow()
            SyncEvent.DismissRecovery -> {
                try { io { repos.sync.dismissRecovery() } } catch (e: GridkeeperException) {
                    update { it.copy(error = Messages.plainWords(e, lang)) }
                    return
                }
                update { it.copy(recovery = null) }
            }
            SyncEvent.SignOut -> signOut(confirmed = false)
            SyncEvent.ConfirmSignOut -> signOut(confirmed = true)
            SyncEvent.KeepSignedIn -> update { it.copy(signOutQuestion = null) }
            is SyncEvent.WriteRescue -> {
                val written = try { io { repos.sync.writeRescue(event.path) } } catch (e: GridkeeperException) {
                    update { it.copy(rescueText = null, error = Messages.plainWords(e, lang)) }
                    return
                }
                update {
                    it.copy(rescueText = Strings.format("rescue.written", lang,
                        written.records.toLong(), written.changes.toLong(), written.photos.toLong()))
                }
                emit(SyncEffect.ShareRescue(event.path))
            }
            SyncEvent.SyncNow -> {
                val token = CancelToken()
                cancel = token
                update { it.copy(running = true, error = null, pendingText = Strings.get("sync.running", lang)) }
                val outcome = io { runner.run(token) { p -> update { it.copy(progress = p) } } }
                cancel = null
                when (outcome) {
                    is SyncOutcome.Done -> {
                        refresh(null)
                        emit(SyncEffect.Finished(outcome.summary.changedRecords))
                    }
                    is SyncOutcome.Failed -> refresh(outcome.error)
                }
            }
        }
    }

    private suspend fun signOut(confirmed: Boolean) {
        val out = try {
            io { repos.sync.signOut(confirmed) }
        } catch (e: GridkeeperException.UnsyncedWork) {
            update { it.copy(signOutQuestion = Messages.plainWords(e, lang)) }
            return
        } catch (e: GridkeeperException) {
            update { it.copy(signOutQuestion = null, error = Messages.plainWords(e, lang)) }
            return
        }
        update {
            it.copy(signOutQuestion = null, enrolled = false,
                signedOutText = Strings.get(if (out.removed) "signout.removed" else "signout.kept", lang))
        }
        emit(SyncEffect.SignedOut(out.removed))
    }

    private suspend fun refresh(failure: GridkeeperException?) {
        val (status, recovery) = try {
            io { repos.sync.status() to repos.sync.lastRecovery() }
        } catch (e: GridkeeperException) {
            update { it.copy(running = false, error = Messages.plainWords(e, lang)) }
            return
        }
        val age = repos.sync.unsyncedAge(status, clock())
        val pending = status.pendingChanges.toLong() + status.pendingUploads.toLong()
        val error = when {
            !status.enrolled -> Strings.get("sync.not_enrolled", lang)
            failure != null -> Messages.plainWords(failure, lang)
            status.lastErrorCode != null && status.lastErrorAfterSuccess() ->
                if (lang == Lang.ZH && !status.lastErrorMessage.isNullOrBlank()) status.lastErrorMessage
                else Strings.get(if (status.lastErrorCode in transientCodes) "error.network" else "error.not_allowed", lang)
            else -> null
        }
        update {
            it.copy(
                enrolled = status.enrolled,
                running = false,
                pending = pending,
                pendingText = if (pending == 0L) Strings.get("sync.all_sent", lang) else Strings.format("sync.pending", lang, pending),
                lastSyncText = status.lastSuccessAt?.let { t -> Strings.format("sync.last", lang, Times.local(t)) }
                    ?: Strings.get("sync.never", lang),
                error = error,
                progress = null,
                refused = status.refused.map { r ->
                    RefusedLine(r.recordId, r.kind, r.changes.toLong(), if (lang == Lang.ZH) r.reasonZh else r.reasonEn)
                },
                unsyncedText = when {
                    pending == 0L || age == null -> null
                    age.hours == 0uL -> Strings.format("sync.unsynced_fresh", lang, pending)
                    else -> Strings.format("sync.unsynced_age", lang, pending, age.hours.toLong())
                },
                overdueWarning = if (pending > 0 && age?.overdue == true) Strings.get("sync.overdue", lang) else null,
                recovery = recovery?.let { r -> if (lang == Lang.ZH) r.messageZh else r.messageEn },
            )
        }
    }

    companion object {
        private val transientCodes = setOf("network", "protocol")

        /** An error recorded before the last success is history, not the current state. One
         *  recorded by the successful attempt itself (some edits refused) is current: core clears
         *  the error on a clean success, and both times are then the same second. */
        private fun SyncStatus.lastErrorAfterSuccess(): Boolean {
            val success = lastSuccessAt ?: return true
            val attempt = lastAttemptAt ?: return false
            return attempt >= success
        }
    }
}
