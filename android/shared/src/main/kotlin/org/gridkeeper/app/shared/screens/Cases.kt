package org.gridkeeper.app.shared.screens

import kotlinx.coroutines.CoroutineDispatcher
import org.gridkeeper.*
import org.gridkeeper.app.shared.*

data class CaseLine(
    val id: String,
    val title: String,
    val state: CaseState,
    val stateLabel: String,
    val deadline: String,
    val overdue: Boolean,
)

data class CasesState(
    /** null: every open case; otherwise just this state. */
    val filter: CaseState? = null,
    val rows: List<CaseLine> = emptyList(),
    val error: String? = null,
)

sealed interface CasesEvent {
    data object Load : CasesEvent
    data class Filter(val state: CaseState?) : CasesEvent
    data class Open(val id: String) : CasesEvent
}

sealed interface CasesEffect {
    data class OpenCase(val id: String) : CasesEffect
}

/** Cases by state and deadline: core lists open cases first, the most overdue on top. */
class CasesHolder(
    private val repos: Repositories,
    private val grid: String?,
    private val lang: Lang = Lang.ZH,
    io: CoroutineDispatcher = defaultIo,
) : StateHolder<CasesState, CasesEvent, CasesEffect>(CasesState(), io) {

    override suspend fun handle(event: CasesEvent) {
        when (event) {
            CasesEvent.Load -> load(state.value.filter)
            is CasesEvent.Filter -> load(event.state)
            is CasesEvent.Open -> emit(CasesEffect.OpenCase(event.id))
        }
    }

    private suspend fun load(filter: CaseState?) {
        try {
            val all = io { repos.cases.list(grid) }
            val rows = all.filter { c -> if (filter == null) c.state !in closedStates else c.state == filter }.map { c ->
                CaseLine(
                    id = c.id,
                    title = Strings.label("category", c.category, lang) + (c.subcategory?.let { " · $it" } ?: ""),
                    state = c.state,
                    stateLabel = Strings.label("state", c.state, lang),
                    deadline = Times.local(c.deadline),
                    overdue = c.overdue,
                )
            }
            update { CasesState(filter = filter, rows = rows) }
        } catch (e: GridkeeperException) {
            update { it.copy(filter = filter, error = Messages.plainWords(e, lang)) }
        }
    }

    companion object {
        private val closedStates = setOf(CaseState.RESOLVED, CaseState.VERIFIED, CaseState.CLOSED)
    }
}

data class TimelineLine(val action: String, val by: String, val at: String, val note: String, val reason: String, val photos: List<String>)

data class CaseDetailState(
    val loading: Boolean = true,
    val title: String = "",
    val description: String = "",
    val state: CaseState? = null,
    val stateLabel: String = "",
    val deadline: String = "",
    val overdue: Boolean = false,
    val timeline: List<TimelineLine> = emptyList(),
    /** Photos of the hazard as reported (before) and of its rectification (after). */
    val photosBefore: List<String> = emptyList(),
    val photosAfter: List<String> = emptyList(),
    /** Only the transitions core allows from the current state, each with its label. */
    val actions: List<Pair<CaseAction, String>> = emptyList(),
    val note: String = "",
    val reason: String = "",
    val escalateTo: EscalationLevel? = null,
    val photos: List<String> = emptyList(),
    /** By input: `reason`, `escalate_to`, `note`. */
    val errors: Map<String, String> = emptyMap(),
    val banner: String? = null,
)

sealed interface CaseDetailEvent {
    data object Load : CaseDetailEvent
    data class Note(val text: String) : CaseDetailEvent
    data class Reason(val text: String) : CaseDetailEvent
    data class EscalateTo(val level: EscalationLevel) : CaseDetailEvent
    data class Photo(val bytes: ByteArray, val mediaType: String?) : CaseDetailEvent
    data class Act(val action: CaseAction) : CaseDetailEvent
}

sealed interface CaseDetailEffect {
    data class Moved(val state: CaseState) : CaseDetailEffect
}

class CaseDetailHolder(
    private val repos: Repositories,
    private val caseId: String,
    private val lang: Lang = Lang.ZH,
    io: CoroutineDispatcher = defaultIo,
) : StateHolder<CaseDetailState, CaseDetailEvent, CaseDetailEffect>(CaseDetailState(), io) {

    override suspend fun handle(event: CaseDetailEvent) {
        when (event) {
            CaseDetailEvent.Load -> load()
            is CaseDetailEvent.Note -> update { it.copy(note = event.text, errors = it.errors - "note") }
            is CaseDetailEvent.Reason -> update { it.copy(reason = event.text, errors = it.errors - "reason") }
            is CaseDetailEvent.EscalateTo -> update { it.copy(escalateTo = event.level, errors = it.errors - "escalate_to") }
            is CaseDetailEvent.Photo -> try {
                val hash = io { repos.attachments.add(event.bytes, event.mediaType) }
                update { it.copy(photos = it.photos + hash) }
            } catch (e: GridkeeperException) {
                update { it.copy(banner = Messages.plainWords(e, lang)) }
            }
            is CaseDetailEvent.Act -> act(event.action)
        }
    }

    private suspend fun act(action: CaseAction) {
        val s = state.value
        try {
            val next = io {
                repos.cases.transition(caseId, CaseTransition(action = action, note = s.note.trim(),
                    reason = s.reason.trim(), escalateTo = s.escalateTo, photos = s.photos))
            }
            update { it.copy(note = "", reason = "", escalateTo = null, photos = emptyList(), errors = emptyMap()) }
            load()
            emit(CaseDetailEffect.Moved(next))
        } catch (e: GridkeeperException.Invalid) {
            // Core names the entry's field (`timeline[3].reason`); the form has one of each.
            val input = e.field.substringAfterLast('.')
            update { it.copy(errors = it.errors + (input to Messages.fieldMessage(e.field, e.reason, lang))) }
        } catch (e: GridkeeperException) {
            update { it.copy(banner = Messages.plainWords(e, lang)) }
        }
    }

    private suspend fun load() {
        try {
            val (c, actions) = io {
                val c = repos.cases.get(caseId)
                c to repos.cases.legalActions(c.state)
            }
            val timeline = c.data.timeline.sortedWith(compareBy({ it.at }, { it.id }))
            update {
                it.copy(
                    loading = false,
                    title = Strings.label("category", c.data.category, lang) + " · " + Strings.label("severity", c.data.severity, lang),
                    description = c.data.description,
                    state = c.state,
                    stateLabel = Strings.label("state", c.state, lang),
                    deadline = Times.local(c.data.deadline),
                    overdue = c.overdue,
                    timeline = timeline.map { t ->
                        TimelineLine(Strings.label("action", t.action, lang), t.by, Times.local(t.at), t.note, t.reason, t.photos)
                    },
                    photosBefore = c.data.photos,
                    photosAfter = timeline.filter { t -> t.action == CaseAction.RESOLVE }.flatMap { t -> t.photos },
                    actions = actions.map { a -> a to Strings.label("action", a, lang) },
                    banner = null,
                )
            }
        } catch (e: GridkeeperException) {
            update { it.copy(loading = false, banner = Messages.plainWords(e, lang)) }
        }
    }
}
