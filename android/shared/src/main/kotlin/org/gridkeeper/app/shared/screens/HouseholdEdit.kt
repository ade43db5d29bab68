package org.gridkeeper.app.shared.screens

import kotlinx.coroutines.CoroutineDispatcher
import org.gridkeeper.*
import org.gridkeeper.app.shared.*

data class MemberForm(
    /** Empty for a member not saved yet; the store gives the id. */
    val id: String = "",
    val name: String = "",
    val idNumber: String = "",
    val phone: String = "",
    val relation: Relation = Relation.OTHER,
    val registration: Registration = Registration.LOCAL,
    val tags: Set<MemberTag> = emptySet(),
)

data class HouseholdForm(
    val compound: String = "",
    val building: String = "",
    val unit: String = "",
    val room: String = "",
    val text: String = "",
    val housingType: HousingType = HousingType.OWNER_OCCUPIED,
    val notes: String = "",
    val members: List<MemberForm> = emptyList(),
)

data class HouseholdEditState(
    val loading: Boolean = true,
    val isNew: Boolean = true,
    val form: HouseholdForm = HouseholdForm(),
    /** By core's field path (`address.building`, `members[1].id_number`): the message shown
     *  beside that input. `address` is the whole address block. */
    val errors: Map<String, String> = emptyMap(),
    val restoredDraft: Boolean = false,
    val saving: Boolean = false,
    val banner: String? = null,
)

sealed interface HouseholdEditEvent {
    data object Load : HouseholdEditEvent
    /** A text input changed; `path` is core's field path, as in [HouseholdEditState.errors]. */
    data class Field(val path: String, val value: String) : HouseholdEditEvent
    data class HousingTypeChosen(val type: HousingType) : HouseholdEditEvent
    data class RelationChosen(val member: Int, val relation: Relation) : HouseholdEditEvent
    data class RegistrationChosen(val member: Int, val registration: Registration) : HouseholdEditEvent
    data class ToggleTag(val member: Int, val tag: MemberTag) : HouseholdEditEvent
    data object AddMember : HouseholdEditEvent
    data class RemoveMember(val member: Int) : HouseholdEditEvent
    data object Save : HouseholdEditEvent
    data object Discard : HouseholdEditEvent
}

sealed interface HouseholdEditEffect {
    data class Saved(val id: String) : HouseholdEditEffect
    data object Closed : HouseholdEditEffect
}

/**
 * Add or edit a household. Every change is written to the draft store at once, so the form
 * comes back as it was after the app is killed; the draft is cleared when the record saves.
 * Validation is core's: a refused save puts core's message beside the input it names.
 */
class HouseholdEditHolder(
    private val repos: Repositories,
    private val drafts: DraftStore,
    private val grid: String,
    private val householdId: String?,
    private val lang: Lang = Lang.ZH,
    io: CoroutineDispatcher = defaultIo,
) : StateHolder<HouseholdEditState, HouseholdEditEvent, HouseholdEditEffect>(HouseholdEditState(), io) {
    private var original: HouseholdRecord? = null
    private val draftKey = "household:" + (householdId ?: "new")

    override suspend fun handle(event: HouseholdEditEvent) {
        when (event) {
            HouseholdEditEvent.Load -> load()
            is HouseholdEditEvent.Field -> edit(event.path) { setField(it, event.path, event.value) }
            is HouseholdEditEvent.HousingTypeChosen -> edit("housing_type") { it.copy(housingType = event.type) }
            is HouseholdEditEvent.RelationChosen -> editMember(event.member, "relation") { it.copy(relation = event.relation) }
            is HouseholdEditEvent.RegistrationChosen -> editMember(event.member, "registration") { it.copy(registration = event.registration) }
            is HouseholdEditEvent.ToggleTag -> editMember(event.member, "tags") {
                it.copy(tags = if (event.tag in it.tags) it.tags - event.tag else it.tags + event.tag)
            }
            HouseholdEditEvent.AddMember -> edit("members") { it.copy(members = it.members + MemberForm()) }
            is HouseholdEditEvent.RemoveMember -> {
                // Member paths shift when one is removed, so old messages would point at the wrong row.
                edit("members") { f -> f.copy(members = f.members.filterIndexed { i, _ -> i != event.member }) }
                update { it.copy(errors = emptyMap()) }
            }
            HouseholdEditEvent.Save -> save()
            HouseholdEditEvent.Discard -> {
                drafts.clear(draftKey)
                emit(HouseholdEditEffect.Closed)
            }
        }
    }

    private suspend fun load() {
        try {
            val record = householdId?.let { id -> io { repos.households.get(id) } }
            original = record
            val draft = drafts.load(draftKey)
            val form = when {
                draft != null -> fromDraft(draft)
                record != null -> fromRecord(record.data)
                else -> HouseholdForm(members = listOf(MemberForm(relation = Relation.HEAD)))
            }
            update { HouseholdEditState(loading = false, isNew = record == null, form = form, restoredDraft = draft != null) }
        } catch (e: GridkeeperException) {
            update { it.copy(loading = false, banner = Messages.plainWords(e, lang)) }
        }
    }

    private fun edit(path: String, change: (HouseholdForm) -> HouseholdForm) {
        update { it.copy(form = change(it.form), errors = it.errors - path - "address") }
        drafts.save(draftKey, toDraft(state.value.form))
    }

    private fun editMember(index: Int, field: String, change: (MemberForm) -> MemberForm) =
        edit("members[$index].$field") { f ->
            f.copy(members = f.members.mapIndexed { i, m -> if (i == index) change(m) else m })
        }

    private suspend fun save() {
        val form = state.value.form
        update { it.copy(saving = true, banner = null) }
        try {
            val base = original
            val id = if (base == null) {
                io { repos.households.create(grid, toHousehold(form, null)) }
            } else {
                io { repos.households.update(base, toHousehold(form, base.data)) }
                base.id
            }
            drafts.clear(draftKey)
            update { it.copy(saving = false, errors = emptyMap()) }
            emit(HouseholdEditEffect.Saved(id))
        } catch (e: GridkeeperException.Invalid) {
            val path = e.field
            update { it.copy(saving = false, errors = it.errors + (path to Messages.fieldMessage(path, e.reason, lang))) }
        } catch (e: GridkeeperException) {
            update { it.copy(saving = false, banner = Messages.plainWords(e, lang)) }
        }
    }

    companion object {
        private val memberPath = Regex("""members\[(\d+)]\.(\w+)""")

        fun setField(form: HouseholdForm, path: String, value: String): HouseholdForm {
            memberPath.matchEntire(path)?.let { m ->
                val index = m.groupValues[1].toInt()
                val members = form.members.toMutableList()
                while (members.size <= index) members += MemberForm()
                members[index] = when (m.groupValues[2]) {
                    "name" -> members[index].copy(name = value)
                    "id_number" -> members[index].copy(idNumber = value)
                    "phone" -> members[index].copy(phone = value)
                    "id" -> members[index].copy(id = value)
                    "relation" -> members[index].copy(relation = enumOr(value, members[index].relation))
                    "registration" -> members[index].copy(registration = enumOr(value, members[index].registration))
                    "tags" -> members[index].copy(tags = value.split(',').filter { it.isNotBlank() }
                        .mapNotNull { t -> MemberTag.values().firstOrNull { it.name == t } }.toSet())
                    else -> members[index]
                }
                return form.copy(members = members)
            }
            return when (path) {
                "address.compound" -> form.copy(compound = value)
                "address.building" -> form.copy(building = value)
                "address.unit" -> form.copy(unit = value)
                "address.room" -> form.copy(room = value)
                "address.text" -> form.copy(text = value)
                "notes" -> form.copy(notes = value)
                "housing_type" -> form.copy(housingType = enumOr(value, form.housingType))
                else -> form
            }
        }

        private inline fun <reified T : Enum<T>> enumOr(name: String, fallback: T): T =
            enumValues<T>().firstOrNull { it.name == name } ?: fallback

        fun toDraft(form: HouseholdForm): Map<String, String> = buildMap {
            put("address.compound", form.compound)
            put("address.building", form.building)
            put("address.unit", form.unit)
            put("address.room", form.room)
            put("address.text", form.text)
            put("notes", form.notes)
            put("housing_type", form.housingType.name)
            put("member_count", form.members.size.toString())
            form.members.forEachIndexed { i, m ->
                put("members[$i].id", m.id)
                put("members[$i].name", m.name)
                put("members[$i].id_number", m.idNumber)
                put("members[$i].phone", m.phone)
                put("members[$i].relation", m.relation.name)
                put("members[$i].registration", m.registration.name)
                put("members[$i].tags", m.tags.joinToString(",") { it.name })
            }
        }

        fun fromDraft(draft: Map<String, String>): HouseholdForm {
            val count = draft["member_count"]?.toIntOrNull() ?: 0
            val start = HouseholdForm(members = List(count) { MemberForm() })
            // Member rows first (they size the list), then the rest; the count key is not a field.
            return draft.entries.sortedBy { !it.key.startsWith("members[") }
                .fold(start) { f, (k, v) -> setField(f, k, v) }
        }

        fun fromRecord(h: Household) = HouseholdForm(
            compound = h.address.compound, building = h.address.building, unit = h.address.unit,
            room = h.address.room, text = h.address.text, housingType = h.housingType, notes = h.notes,
            members = h.members.map { m ->
                MemberForm(m.id, m.name, m.idNumber ?: "", m.phone ?: "", m.relation, m.registration, m.tags.toSet())
            },
        )

        /** The form as the record to save; fields the form does not show (derived or custom
         *  tags) are kept from the record as read, matched by member id. */
        fun toHousehold(form: HouseholdForm, before: Household?): Household {
            val address = (before?.address ?: Address()).copy(
                compound = form.compound.trim(), building = form.building.trim(), unit = form.unit.trim(),
                room = form.room.trim(), text = form.text.trim(),
            )
            val members = form.members.map { m ->
                val old = before?.members?.firstOrNull { it.id.isNotEmpty() && it.id == m.id }
                (old ?: Member(name = "", relation = m.relation, registration = m.registration)).copy(
                    id = m.id, name = m.name.trim(),
                    idNumber = m.idNumber.trim().ifEmpty { null },
                    phone = m.phone.trim().ifEmpty { null },
                    relation = m.relation, registration = m.registration,
                    // Keep the record's order of tags so an untouched list is not rewritten.
                    tags = (old?.tags?.filter { it in m.tags } ?: emptyList()) + m.tags.filter { old?.tags?.contains(it) != true },
                )
            }
            return (before ?: Household(address = address, housingType = form.housingType)).copy(
                address = address, housingType = form.housingType, notes = form.notes.trim(), members = members,
            )
        }
    }
}
