package org.gridkeeper.app.shared.screens

import kotlinx.coroutines.CoroutineDispatcher
import org.gridkeeper.GridkeeperException
import org.gridkeeper.HouseholdSummary
import org.gridkeeper.MemberTag
import org.gridkeeper.app.shared.*

data class HouseholdLine(val id: String, val title: String, val address: String, val tags: List<String>)

data class HouseholdsState(
    val query: String = "",
    val tag: MemberTag? = null,
    /** Browsing: 楼栋, then 单元 within it; null shows every household. */
    val building: String? = null,
    val unit: String? = null,
    /** The buildings (or a building's units) to browse into, when not searching. */
    val groups: List<String> = emptyList(),
    val rows: List<HouseholdLine> = emptyList(),
    val error: String? = null,
)

sealed interface HouseholdsEvent {
    data object Load : HouseholdsEvent
    data class Query(val text: String) : HouseholdsEvent
    data class Tag(val tag: MemberTag?) : HouseholdsEvent
    data class Browse(val group: String) : HouseholdsEvent
    data object Up : HouseholdsEvent
    data class Open(val id: String) : HouseholdsEvent
    data object Add : HouseholdsEvent
}

sealed interface HouseholdsEffect {
    data class OpenHousehold(val id: String) : HouseholdsEffect
    data object NewHousehold : HouseholdsEffect
}

/** The household list: search by 汉字 or pinyin initials (core's index), a tag filter, and
 *  building → unit → room browsing over the list's address parts. */
class HouseholdsHolder(
    private val repos: Repositories,
    private val grid: String?,
    private val lang: Lang = Lang.ZH,
    io: CoroutineDispatcher = defaultIo,
) : StateHolder<HouseholdsState, HouseholdsEvent, HouseholdsEffect>(HouseholdsState(), io) {

    override suspend fun handle(event: HouseholdsEvent) {
        when (event) {
            HouseholdsEvent.Load -> reload(state.value)
            is HouseholdsEvent.Query -> reload(state.value.copy(query = event.text))
            is HouseholdsEvent.Tag -> reload(state.value.copy(tag = event.tag))
            is HouseholdsEvent.Browse -> {
                val s = state.value
                reload(if (s.building == null) s.copy(building = event.group) else s.copy(unit = event.group))
            }
            HouseholdsEvent.Up -> {
                val s = state.value
                reload(if (s.unit != null) s.copy(unit = null) else s.copy(building = null))
            }
            is HouseholdsEvent.Open -> emit(HouseholdsEffect.OpenHousehold(event.id))
            HouseholdsEvent.Add -> emit(HouseholdsEffect.NewHousehold)
        }
    }

    private suspend fun reload(next: HouseholdsState) {
        val found = try {
            io { repos.households.list(grid, next.query) }
        } catch (e: GridkeeperException) {
            update { next.copy(error = Messages.plainWords(e, lang)) }
            return
        }
        val tagName = next.tag?.name?.lowercase()
        val tagged = found.filter { tagName == null || tagName in it.memberTags }
        val searching = next.query.isNotBlank()
        val inPlace = tagged.filter { h ->
            searching || ((next.building == null || h.building == next.building) && (next.unit == null || h.unit == next.unit))
        }
        val groups = when {
            searching -> emptyList()
            next.building == null -> inPlace.map { it.building }.filter { it.isNotEmpty() }.distinct().sortedWith(naturalOrder)
            next.unit == null -> inPlace.map { it.unit }.filter { it.isNotEmpty() }.distinct().sortedWith(naturalOrder)
            else -> emptyList()
        }
        val rows = (if (next.building != null && !searching) inPlace.sortedWith(compareBy(naturalOrder) { it.room }) else inPlace)
            .map { line(it) }
        update { next.copy(groups = groups, rows = rows, error = null) }
    }

    private fun line(h: HouseholdSummary) = HouseholdLine(
        id = h.id,
        title = h.headName ?: h.address,
        address = h.address,
        tags = h.memberTags.map { Strings.label("tag", it, lang) },
    )

    companion object {
        /** Building "10" after "9", as on the doors. */
        val naturalOrder: Comparator<String> = compareBy<String>({ it.toIntOrNull() ?: Int.MAX_VALUE }, { it })
    }
}
