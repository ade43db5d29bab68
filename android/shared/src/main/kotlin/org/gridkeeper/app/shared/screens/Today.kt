package org.gridkeeper.app.shared.screens

import kotlinx.coroutines.CoroutineDispatcher
import org.gridkeeper.GridkeeperException
import org.gridkeeper.app.shared.*

/** Where a tap on an agenda line goes. */
sealed interface AgendaTarget {
    data class Household(val id: String, val memberId: String? = null) : AgendaTarget
    data class Place(val id: String) : AgendaTarget
    data class Case(val id: String) : AgendaTarget
    data class Mediation(val id: String) : AgendaTarget
}

data class AgendaLine(val title: String, val detail: String, val overdue: Boolean, val target: AgendaTarget)

data class TodayState(
    val loading: Boolean = true,
    val visits: List<AgendaLine> = emptyList(),
    val inspections: List<AgendaLine> = emptyList(),
    val cases: List<AgendaLine> = emptyList(),
    val mediations: List<AgendaLine> = emptyList(),
    val error: String? = null,
) {
    val empty: Boolean get() = visits.isEmpty() && inspections.isEmpty() && cases.isEmpty() && mediations.isEmpty()
}

sealed interface TodayEvent {
    data object Refresh : TodayEvent
    data class Open(val target: AgendaTarget) : TodayEvent
}

sealed interface TodayEffect {
    data class Navigate(val target: AgendaTarget) : TodayEffect
}

class TodayHolder(
    private val repos: Repositories,
    private val grid: String?,
    private val lang: Lang = Lang.ZH,
    io: CoroutineDispatcher = defaultIo,
) : StateHolder<TodayState, TodayEvent, TodayEffect>(TodayState(), io) {

    override suspend fun handle(event: TodayEvent) {
        when (event) {
            TodayEvent.Refresh -> refresh()
            is TodayEvent.Open -> emit(TodayEffect.Navigate(event.target))
        }
    }

    private fun due(dueOn: String, daysOverdue: Long): String = when {
        daysOverdue > 0 -> if (lang == Lang.ZH) "已超期 $daysOverdue 天" else "$daysOverdue days overdue"
        else -> if (lang == Lang.ZH) "应于 $dueOn 前" else "due by $dueOn"
    }

    private suspend fun refresh() {
        try {
            val agenda = io { repos.agenda(grid) }
            update {
                TodayState(
                    loading = false,
                    visits = agenda.visits.map { v ->
                        AgendaLine("${v.name} · ${Strings.label("tag", v.tag, lang)}", due(v.dueOn, v.daysOverdue),
                            v.daysOverdue > 0, AgendaTarget.Household(v.householdId, v.memberId))
                    },
                    inspections = agenda.inspections.map { i ->
                        AgendaLine(i.name, due(i.dueOn, i.daysOverdue), i.daysOverdue > 0, AgendaTarget.Place(i.placeId))
                    },
                    cases = agenda.cases.map { c ->
                        val title = Strings.label("category", c.category, lang) + " · " + Strings.label("severity", c.severity, lang)
                        val detail = Strings.label("state", c.state, lang) + " · " +
                            (if (lang == Lang.ZH) "期限 " else "deadline ") + Times.local(c.deadline)
                        AgendaLine(title, detail, c.overdue, AgendaTarget.Case(c.caseId))
                    },
                    mediations = agenda.mediations.map { m ->
                        AgendaLine(Strings.label("dispute", m.disputeType, lang),
                            (if (lang == Lang.ZH) "回访 " else "follow up ") + m.dueOn,
                            m.needsEscalation, AgendaTarget.Mediation(m.mediationId))
                    },
                )
            }
        } catch (e: GridkeeperException) {
            update { it.copy(loading = false, error = Messages.plainWords(e, lang)) }
        }
    }
}
