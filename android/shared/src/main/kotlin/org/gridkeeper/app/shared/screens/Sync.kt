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
)

/** One record whose edits the server refused; [text] says why and what to do. */
data class RefusedLine(val recordId: String, val kind: String, val changes: Long, val text: String)

sealed interface SyncEvent {
    data object Refresh : SyncEvent
    data object SyncNow : SyncEvent
    data object Cancel : SyncEvent
}

sealed interface SyncEffect {
    data class Finished(val changedRecords: List<String>) : SyncEffect
}

/** The sync status line every screen shows, and sync on demand. */
class SyncHolder(
    private val repos: Repositories,
    private val lang: Lang = Lang.ZH,
    io: CoroutineDispatcher = defaultIo,
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

    private suspend fun refresh(failure: GridkeeperException?) {
        val status = try { io { repos.sync.status() } } catch (e: GridkeeperException) {
            update { it.copy(running = false, error = Messages.plainWords(e, lang)) }
            return
        }
        val pending = status.pendingChanges.toLong() + status.pendingUploads.toLong()
        val error = when {
            !status.enrolled -> Strings.get("sync.not_enrolled", lang)
            failure != null -> Messages.plainWords(failure, lang)
            // Edits set aside stay news until someone deals with them, success or not.
            status.lastErrorCode != null && (status.lastErrorAfterSuccess() ||
                (status.lastErrorCode == "changes_refused" && status.refusedChanges > 0uL)) ->
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
            )
        }
    }

    companion object {
        private val transientCodes = setOf("network", "protocol")

        /** An error recorded before the last success is history, not the current state. */
        private fun SyncStatus.lastErrorAfterSuccess(): Boolean {
            val success = lastSuccessAt ?: return true
            val attempt = lastAttemptAt ?: return false
            return attempt > success
        }
    }
}
