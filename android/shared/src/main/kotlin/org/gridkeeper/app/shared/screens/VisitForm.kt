package org.gridkeeper.app.shared.screens

import kotlinx.coroutines.CoroutineDispatcher
import org.gridkeeper.*
import org.gridkeeper.app.shared.*

data class VisitFormState(
    val loading: Boolean = true,
    /** The household's members a worker ticks as seen. */
    val members: List<Pair<String, String>> = emptyList(),
    val purpose: VisitPurpose = VisitPurpose.ROUTINE,
    val membersSeen: Set<String> = emptySet(),
    val findings: String = "",
    val photos: List<String> = emptyList(),
    val location: GeoPoint? = null,
    /** Raise a case (an appeal, an errand, a hazard seen) together with the visit. */
    val raiseCase: Boolean = false,
    val caseCategory: CaseCategory = CaseCategory.APPEAL,
    val caseDescription: String = "",
    val errors: Map<String, String> = emptyMap(),
    val restoredDraft: Boolean = false,
    val banner: String? = null,
)

sealed interface VisitFormEvent {
    data object Load : VisitFormEvent
    data class Purpose(val purpose: VisitPurpose) : VisitFormEvent
    data class ToggleMember(val memberId: String) : VisitFormEvent
    data class Findings(val text: String) : VisitFormEvent
    /** A photo from the camera or the picker, as bytes (JPEG, PNG, WebP, HEIC). */
    data class Photo(val bytes: ByteArray, val mediaType: String?) : VisitFormEvent
    data class Location(val lat: Double, val lon: Double, val accuracyM: Double?) : VisitFormEvent
    data class RaiseCase(val on: Boolean) : VisitFormEvent
    data class CaseCategoryChosen(val category: CaseCategory) : VisitFormEvent
    data class CaseDescription(val text: String) : VisitFormEvent
    data object Save : VisitFormEvent
}

sealed interface VisitFormEffect {
    data class Saved(val visitId: String, val caseId: String?) : VisitFormEffect
}

/** A visit to a household (or a place), started from the household or from one member. */
class VisitFormHolder(
    private val repos: Repositories,
    private val drafts: DraftStore,
    private val grid: String,
    private val subject: Subject,
    private val memberId: String? = null,
    private val lang: Lang = Lang.ZH,
    io: CoroutineDispatcher = defaultIo,
) : StateHolder<VisitFormState, VisitFormEvent, VisitFormEffect>(VisitFormState(), io) {
    private val draftKey = "visit:${subject.id}"

    override suspend fun handle(event: VisitFormEvent) {
        when (event) {
            VisitFormEvent.Load -> load()
            is VisitFormEvent.Purpose -> edit("purpose") { it.copy(purpose = event.purpose) }
            is VisitFormEvent.ToggleMember -> edit("members_seen") {
                it.copy(membersSeen = if (event.memberId in it.membersSeen) it.membersSeen - event.memberId else it.membersSeen + event.memberId)
            }
            is VisitFormEvent.Findings -> edit("findings") { it.copy(findings = event.text) }
            is VisitFormEvent.Photo -> try {
                val hash = io { repos.attachments.add(event.bytes, event.mediaType) }
                edit("photos") { it.copy(photos = it.photos + hash) }
            } catch (e: GridkeeperException) {
                update { it.copy(banner = Messages.plainWords(e, lang)) }
            }
            is VisitFormEvent.Location -> edit("location") { it.copy(location = GeoPoint(event.lat, event.lon, event.accuracyM)) }
            is VisitFormEvent.RaiseCase -> edit("case") { it.copy(raiseCase = event.on) }
            is VisitFormEvent.CaseCategoryChosen -> edit("case.category") { it.copy(caseCategory = event.category) }
            is VisitFormEvent.CaseDescription -> edit("description") { it.copy(caseDescription = event.text) }
            VisitFormEvent.Save -> save()
        }
    }

    private suspend fun load() {
        try {
            val members = if (subject.kind == SubjectKind.HOUSEHOLD) {
                io { repos.households.get(subject.id) }.data.members.map { it.id to it.name }
            } else emptyList()
            val draft = drafts.load(draftKey)
            val base = VisitFormState(loading = false, members = members, membersSeen = setOfNotNull(memberId))
            update { if (draft != null) fromDraft(base, draft).copy(restoredDraft = true) else base }
        } catch (e: GridkeeperException) {
            update { it.copy(loading = false, banner = Messages.plainWords(e, lang)) }
        }
    }

    private fun edit(path: String, change: (VisitFormState) -> VisitFormState) {
        update { change(it).copy(errors = it.errors - path) }
        drafts.save(draftKey, toDraft(state.value))
    }

    private suspend fun save() {
        val s = state.value
        val visit = Visit(
            subject = subject, purpose = s.purpose, membersSeen = s.membersSeen.toList(),
            findings = s.findings.trim(), location = s.location, photos = s.photos,
        )
        try {
            val (visitId, caseId) = if (s.raiseCase) {
                val case = Case(category = s.caseCategory, description = s.caseDescription.trim(), severity = Severity.MEDIUM)
                io { repos.visits.createRaisingCase(grid, visit, case) }.let { it.visitId to it.caseId }
            } else {
                io { repos.visits.create(grid, visit) } to null
            }
            drafts.clear(draftKey)
            update { it.copy(errors = emptyMap()) }
            emit(VisitFormEffect.Saved(visitId, caseId))
        } catch (e: GridkeeperException.Invalid) {
            update { it.copy(errors = it.errors + (e.field to Messages.fieldMessage(e.field, e.reason, lang))) }
        } catch (e: GridkeeperException) {
            update { it.copy(banner = Messages.plainWords(e, lang)) }
        }
    }

    private fun toDraft(s: VisitFormState): Map<String, String> = buildMap {
        put("purpose", s.purpose.name)
        put("members_seen", s.membersSeen.joinToString(","))
        put("findings", s.findings)
        put("photos", s.photos.joinToString(","))
        s.location?.let { put("location", "${it.lat},${it.lon},${it.accuracyM ?: ""}") }
        put("raise_case", s.raiseCase.toString())
        put("case.category", s.caseCategory.name)
        put("case.description", s.caseDescription)
    }

    private fun fromDraft(base: VisitFormState, d: Map<String, String>): VisitFormState {
        fun list(key: String) = d[key].orEmpty().split(',').filter { it.isNotEmpty() }
        val location = d["location"]?.split(',')?.let { p ->
            val lat = p.getOrNull(0)?.toDoubleOrNull()
            val lon = p.getOrNull(1)?.toDoubleOrNull()
            if (lat != null && lon != null) GeoPoint(lat, lon, p.getOrNull(2)?.toDoubleOrNull()) else null
        }
        return base.copy(
            purpose = VisitPurpose.values().firstOrNull { it.name == d["purpose"] } ?: base.purpose,
            membersSeen = list("members_seen").toSet(),
            findings = d["findings"].orEmpty(),
            photos = list("photos"),
            location = location,
            raiseCase = d["raise_case"] == "true",
            caseCategory = CaseCategory.values().firstOrNull { it.name == d["case.category"] } ?: base.caseCategory,
            caseDescription = d["case.description"].orEmpty(),
        )
    }
}
