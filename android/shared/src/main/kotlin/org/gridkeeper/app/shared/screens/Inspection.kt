package org.gridkeeper.app.shared.screens

import kotlinx.coroutines.CoroutineDispatcher
import org.gridkeeper.*
import org.gridkeeper.app.shared.*

enum class InspectionStage { PICK_PLACE, PICK_TEMPLATE, RUN, DONE }

data class PlaceLine(val id: String, val name: String, val address: String, val placeType: String)
data class TemplateLine(val id: String, val version: UInt, val title: String)

/** One shown checklist item with its answer and what the rules say about it. */
data class ItemView(
    val id: String,
    val section: String,
    val label: String,
    val type: ItemType,
    val required: Boolean,
    val photoRequired: Boolean,
    val min: Double?,
    val max: Double?,
    val choices: List<Pair<String, String>>,
    val answer: AnswerValue?,
    val photos: List<String>,
    val failed: Boolean,
    /** Why this item stops completion, in the worker's language; null when it does not. */
    val problem: String?,
    val caseId: String?,
    val note: String?,
)

data class InspectionState(
    val stage: InspectionStage = InspectionStage.PICK_PLACE,
    val places: List<PlaceLine> = emptyList(),
    val templates: List<TemplateLine> = emptyList(),
    val placeName: String = "",
    val title: String = "",
    val inspectionId: String? = null,
    val items: List<ItemView> = emptyList(),
    /** The 完成 button: enabled only when core's rules hold. */
    val canComplete: Boolean = false,
    val banner: String? = null,
)

sealed interface InspectionEvent {
    /** Lists places, or resumes the run the app was killed in. */
    data object Load : InspectionEvent
    data class PickPlace(val placeId: String) : InspectionEvent
    data class PickTemplate(val templateId: String, val version: UInt) : InspectionEvent
    /** pass / fail / na, a choice, or free text. */
    data class AnswerText(val itemId: String, val text: String) : InspectionEvent
    data class AnswerNumber(val itemId: String, val number: Double) : InspectionEvent
    data class AnswerChoices(val itemId: String, val values: List<String>) : InspectionEvent
    data class Photo(val itemId: String, val bytes: ByteArray, val mediaType: String?) : InspectionEvent
    /** Why no case is needed for a failed item (当场整改). */
    data class Note(val itemId: String, val text: String) : InspectionEvent
    data class RaiseCase(val itemId: String, val description: String) : InspectionEvent
    data object Complete : InspectionEvent
}

sealed interface InspectionEffect {
    data class CaseRaised(val caseId: String) : InspectionEffect
    data class Completed(val inspectionId: String) : InspectionEffect
}

/**
 * Running a checklist (巡查): pick a place, pick a template that fits it, answer. The run is
 * stored as a draft inspection from the first tap and saved on every answer, so it survives
 * the app being killed; which items show, which failed and what still blocks completion all
 * come from core (`checkInspection`), and core refuses to complete a run that breaks them.
 * Text and number inputs should send their answer when the input loses focus, not per key.
 */
class InspectionHolder(
    private val repos: Repositories,
    private val drafts: DraftStore,
    private val grid: String,
    private val lang: Lang = Lang.ZH,
    io: CoroutineDispatcher = defaultIo,
) : StateHolder<InspectionState, InspectionEvent, InspectionEffect>(InspectionState(), io) {
    private var placeId: String? = null
    private var template: ChecklistTemplate? = null
    private var record: InspectionRecord? = null

    override suspend fun handle(event: InspectionEvent) {
        try {
            when (event) {
                InspectionEvent.Load -> load()
                is InspectionEvent.PickPlace -> pickPlace(event.placeId)
                is InspectionEvent.PickTemplate -> start(event.templateId, event.version)
                is InspectionEvent.AnswerText -> answer(event.itemId, AnswerValue.Text(event.text))
                is InspectionEvent.AnswerNumber -> answer(event.itemId, AnswerValue.Number(event.number))
                is InspectionEvent.AnswerChoices -> answer(event.itemId, AnswerValue.Items(event.values))
                is InspectionEvent.Photo -> photo(event)
                is InspectionEvent.Note -> edit { d ->
                    val old = d.actions[event.itemId] ?: FailAction()
                    d.copy(actions = d.actions + (event.itemId to old.copy(note = event.text.ifBlank { null })))
                }
                is InspectionEvent.RaiseCase -> {
                    val id = record?.id ?: return
                    val caseId = io { repos.inspections.raiseCase(id, event.itemId, event.description) }
                    refresh(id)
                    emit(InspectionEffect.CaseRaised(caseId))
                }
                InspectionEvent.Complete -> complete()
            }
        } catch (e: GridkeeperException) {
            update { it.copy(banner = Messages.plainWords(e, lang)) }
        }
    }

    private suspend fun load() {
        val open = drafts.load(DRAFT)?.get("id")
        if (open != null) {
            val r = try { io { repos.inspections.get(open) } } catch (e: GridkeeperException.NotFound) { null }
            if (r != null && r.data.status == InspectionStatus.DRAFT) {
                placeId = r.data.subject.id
                template = io { repos.inspections.templates() }
                    .firstOrNull { it.id == r.data.templateId && it.version == r.data.templateVersion }
                val place = io { repos.inspections.place(r.data.subject.id) }
                update { it.copy(placeName = place.data.name) }
                refresh(r.id)
                return
            }
            drafts.clear(DRAFT)
        }
        val places = io { repos.inspections.places(grid) }.map {
            PlaceLine(it.id, it.name, it.address, it.placeType?.name?.lowercase() ?: "")
        }
        update { InspectionState(places = places) }
    }

    private suspend fun pickPlace(id: String) {
        val place = state.value.places.firstOrNull { it.id == id } ?: return
        placeId = id
        val templates = io { repos.inspections.templates() }
            .filter { it.placeTypes.isEmpty() || place.placeType in it.placeTypes }
            .map { TemplateLine(it.id, it.version, titleOf(it)) }
        update { it.copy(stage = InspectionStage.PICK_TEMPLATE, placeName = place.name, templates = templates) }
    }

    private suspend fun start(templateId: String, version: UInt) {
        val place = placeId ?: return
        template = io { repos.inspections.templates() }.firstOrNull { it.id == templateId && it.version == version }
        val id = io {
            repos.inspections.start(grid, Inspection(templateId = templateId, templateVersion = version,
                subject = Subject(SubjectKind.PLACE, place), status = InspectionStatus.DRAFT))
        }
        drafts.save(DRAFT, mapOf("id" to id))
        refresh(id)
    }

    private suspend fun answer(itemId: String, value: AnswerValue) = edit { d ->
        val photos = d.answers[itemId]?.photos ?: emptyList()
        d.copy(answers = d.answers + (itemId to Answer(value, photos)))
    }

    private suspend fun photo(event: InspectionEvent.Photo) {
        val item = template?.sections?.flatMap { it.items }?.firstOrNull { it.id == event.itemId } ?: return
        val current = record?.data?.answers?.get(event.itemId)
        if (item.itemType != ItemType.PHOTO && current == null) {
            update { it.copy(banner = Strings.get("problem.unanswered", lang)) }
            return
        }
        val hash = io { repos.attachments.add(event.bytes, event.mediaType) }
        edit { d ->
            val next = if (item.itemType == ItemType.PHOTO) {
                val have = (current?.value as? AnswerValue.Items)?.items ?: emptyList()
                Answer(AnswerValue.Items(have + hash), emptyList())
            } else {
                current?.let { Answer(it.value, it.photos + hash) } ?: return@edit d
            }
            d.copy(answers = d.answers + (event.itemId to next))
        }
    }

    private suspend fun edit(change: (Inspection) -> Inspection) {
        val r = record ?: return
        io { repos.inspections.save(r, change(r.data)) }
        refresh(r.id)
    }

    private suspend fun complete() {
        val r = record ?: return
        if (!state.value.canComplete) {
            update { it.copy(banner = Strings.get("reason.complete_blocked", lang)) }
            return
        }
        io { repos.inspections.save(r, r.data.copy(status = InspectionStatus.COMPLETED)) }
        drafts.clear(DRAFT)
        update { it.copy(stage = InspectionStage.DONE, canComplete = false, banner = null) }
        emit(InspectionEffect.Completed(r.id))
    }

    private suspend fun refresh(id: String) {
        val r = io { repos.inspections.get(id) }
        record = r
        val t = template
        if (t == null) {
            update { it.copy(stage = InspectionStage.RUN, inspectionId = id, banner = Strings.get("inspection.no_template", lang)) }
            return
        }
        val check = io { repos.inspections.check(r.data) }
        val problems = check.problems.groupBy { it.item }
        val shown = check.visibleItems.toSet()
        val items = t.sections.flatMap { section ->
            section.items.filter { it.id in shown }.map { item ->
                val answer = r.data.answers[item.id]
                val action = r.data.actions[item.id]
                ItemView(
                    id = item.id,
                    section = if (lang == Lang.EN) section.titleEn ?: section.title else section.title,
                    label = if (lang == Lang.EN) item.labelEn ?: item.label else item.label,
                    type = item.itemType, required = item.required, photoRequired = item.photoRequired,
                    min = item.min, max = item.max,
                    choices = item.choices.map { c -> c.value to (if (lang == Lang.EN) c.labelEn ?: c.label else c.label) },
                    answer = answer?.value,
                    photos = when (val v = answer?.value) {
                        is AnswerValue.Items -> if (item.itemType == ItemType.PHOTO) v.items else answer.photos
                        else -> answer?.photos ?: emptyList()
                    },
                    failed = item.id in check.failedItems,
                    problem = problems[item.id]?.joinToString("；") { Strings.label("problem", it.kind, lang) },
                    caseId = action?.caseId,
                    note = action?.note,
                )
            }
        }
        update {
            it.copy(stage = InspectionStage.RUN, inspectionId = id, title = titleOf(t), items = items,
                canComplete = check.problems.isEmpty(), banner = null)
        }
    }

    private fun titleOf(t: ChecklistTemplate) = if (lang == Lang.EN) t.titleEn ?: t.title else t.title

    companion object {
        /** The run in progress, so a killed app reopens it. */
        const val DRAFT = "inspection:open"
    }
}
