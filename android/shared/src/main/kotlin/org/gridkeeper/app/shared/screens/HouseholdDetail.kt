package org.gridkeeper.app.shared.screens

import kotlinx.coroutines.CoroutineDispatcher
import org.gridkeeper.GridkeeperException
import org.gridkeeper.HouseholdRecord
import org.gridkeeper.app.shared.*
import org.gridkeeper.maskIdNumber
import org.gridkeeper.maskPhone

data class MemberLine(
    val id: String,
    val name: String,
    val relation: String,
    /** Masked unless the worker asked to see it in full (PIPL: no more than the task needs). */
    val idNumber: String?,
    val phone: String?,
    val tags: List<String>,
    val revealed: Boolean,
)

data class VisitLine(val id: String, val whenText: String, val worker: String, val purpose: String)

data class HouseholdDetailState(
    val loading: Boolean = true,
    val address: String = "",
    val members: List<MemberLine> = emptyList(),
    val tags: List<String> = emptyList(),
    val notes: String = "",
    val visits: List<VisitLine> = emptyList(),
    val conflictCount: Int = 0,
    val error: String? = null,
)

sealed interface HouseholdDetailEvent {
    data object Load : HouseholdDetailEvent
    data class Reveal(val memberId: String) : HouseholdDetailEvent
    data object Edit : HouseholdDetailEvent
    data class Visit(val memberId: String?) : HouseholdDetailEvent
    data object ShowConflicts : HouseholdDetailEvent
}

sealed interface HouseholdDetailEffect {
    data class EditHousehold(val id: String) : HouseholdDetailEffect
    data class StartVisit(val householdId: String, val memberId: String?) : HouseholdDetailEffect
    data class OpenConflicts(val recordId: String) : HouseholdDetailEffect
}

class HouseholdDetailHolder(
    private val repos: Repositories,
    private val householdId: String,
    private val lang: Lang = Lang.ZH,
    io: CoroutineDispatcher = defaultIo,
) : StateHolder<HouseholdDetailState, HouseholdDetailEvent, HouseholdDetailEffect>(HouseholdDetailState(), io) {
    private var record: HouseholdRecord? = null
    private var revealed: Set<String> = emptySet()

    override suspend fun handle(event: HouseholdDetailEvent) {
        when (event) {
            HouseholdDetailEvent.Load -> load()
            is HouseholdDetailEvent.Reveal -> {
                revealed = if (event.memberId in revealed) revealed - event.memberId else revealed + event.memberId
                record?.let { r -> update { it.copy(members = members(r)) } }
            }
            HouseholdDetailEvent.Edit -> emit(HouseholdDetailEffect.EditHousehold(householdId))
            is HouseholdDetailEvent.Visit -> emit(HouseholdDetailEffect.StartVisit(householdId, event.memberId))
            HouseholdDetailEvent.ShowConflicts -> emit(HouseholdDetailEffect.OpenConflicts(householdId))
        }
    }

    private suspend fun load() {
        try {
            val (r, visits, conflicts) = io {
                val r = repos.households.get(householdId)
                Triple(r, repos.visits.of(householdId, r.grid), repos.conflicts.of(householdId).size)
            }
            record = r
            val a = r.data.address
            update {
                HouseholdDetailState(
                    loading = false,
                    address = listOf(a.compound, a.building.suffix(lang, "栋", "Bldg "), a.unit.suffix(lang, "单元", "Unit "), a.room, a.text)
                        .filter { it.isNotBlank() }.joinToString(" "),
                    members = members(r),
                    tags = r.data.tags,
                    notes = r.data.notes,
                    visits = visits.map { v ->
                        VisitLine(v.id, Times.local(v.visitedAt), v.worker, v.purpose?.let { p -> Strings.label("purpose", p, lang) } ?: "")
                    },
                    conflictCount = conflicts,
                )
            }
        } catch (e: GridkeeperException) {
            update { it.copy(loading = false, error = Messages.plainWords(e, lang)) }
        }
    }

    private fun members(r: HouseholdRecord) = r.data.members.map { m ->
        val open = m.id in revealed
        MemberLine(
            id = m.id,
            name = m.name,
            relation = Strings.label("relation", m.relation, lang),
            idNumber = m.idNumber?.let { if (open) it else maskIdNumber(it) },
            phone = m.phone?.let { if (open) it else maskPhone(it) },
            tags = m.tags.map { Strings.label("tag", it, lang) },
            revealed = open,
        )
    }
}

private fun String.suffix(lang: Lang, zh: String, en: String): String =
    if (isBlank()) "" else if (lang == Lang.ZH) this + zh else en + this
