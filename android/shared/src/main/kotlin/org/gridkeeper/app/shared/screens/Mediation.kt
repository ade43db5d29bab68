package org.gridkeeper.app.shared.screens

import kotlinx.coroutines.CoroutineDispatcher
import org.gridkeeper.*
import org.gridkeeper.app.shared.*
import java.util.UUID

data class PartyForm(val id: String, val name: String = "", val phone: String = "")
data class SessionForm(val id: String = "", val date: String = "", val outcome: String = "")

data class MediationState(
    val loading: Boolean = true,
    val isNew: Boolean = true,
    val disputeType: DisputeType = DisputeType.NEIGHBOUR,
    val riskLevel: RiskLevel = RiskLevel.LOW,
    val openedOn: String = "",
    val narrative: String = "",
    val parties: List<PartyForm> = emptyList(),
    val sessions: List<SessionForm> = emptyList(),
    val result: MediationResult? = null,
    val agreementText: String = "",
    /** Party id → attachment hash of the signature drawn on screen. */
    val signatures: Map<String, String> = emptyMap(),
    /** By core's field path (`parties[0].name`, `agreement_text`). */
    val errors: Map<String, String> = emptyMap(),
    val restoredDraft: Boolean = false,
    val banner: String? = null,
)

sealed interface MediationEvent {
    data object Load : MediationEvent
    data class Field(val path: String, val value: String) : MediationEvent
    data class DisputeTypeChosen(val type: DisputeType) : MediationEvent
    data class RiskChosen(val level: RiskLevel) : MediationEvent
    data class ResultChosen(val result: MediationResult?) : MediationEvent
    data object AddParty : MediationEvent
    data object AddSession : MediationEvent
    /** A party's signature as PNG bytes from the signature pad. */
    data class Sign(val partyId: String, val png: ByteArray) : MediationEvent
    data object Save : MediationEvent
}

sealed interface MediationEffect {
    data class Saved(val id: String) : MediationEffect
}

/**
 * A mediation (矛盾调解): parties, the narrative, sessions, the result and the parties'
 * signatures. New parties get their id here so a signature can name its party before the
 * record is first saved; the draft keeps everything typed until it is.
 */
class MediationHolder(
    private val repos: Repositories,
    private val drafts: DraftStore,
    private val grid: String,
    private val mediationId: String?,
    private val lang: Lang = Lang.ZH,
    io: CoroutineDispatcher = defaultIo,
) : StateHolder<MediationState, MediationEvent, MediationEffect>(MediationState(), io) {
    private var original: MediationRecord? = null
    private val draftKey = "mediation:" + (mediationId ?: "new")

    override suspend fun handle(event: MediationEvent) {
        when (event) {
            MediationEvent.Load -> load()
            is MediationEvent.Field -> edit(event.path) { setField(it, event.path, event.value) }
            is MediationEvent.DisputeTypeChosen -> edit("dispute_type") { it.copy(disputeType = event.type) }
            is MediationEvent.RiskChosen -> edit("risk_level") { it.copy(riskLevel = event.level) }
            is MediationEvent.ResultChosen -> edit("result") { it.copy(result = event.result) }
            MediationEvent.AddParty -> edit("parties") { it.copy(parties = it.parties + PartyForm(UUID.randomUUID().toString())) }
            MediationEvent.AddSession -> edit("sessions") { it.copy(sessions = it.sessions + SessionForm(date = Times.today())) }
            is MediationEvent.Sign -> try {
                val hash = io { repos.attachments.add(event.png, "image/png") }
                edit("signatures") { it.copy(signatures = it.signatures + (event.partyId to hash)) }
            } catch (e: GridkeeperException) {
                update { it.copy(banner = Messages.plainWords(e, lang)) }
            }
            MediationEvent.Save -> save()
        }
    }

    private suspend fun load() {
        try {
            val record = mediationId?.let { io { repos.mediations.get(it) } }
            original = record
            val base = if (record != null) fromRecord(record.data) else
                MediationState(openedOn = Times.today(), parties = listOf(PartyForm(UUID.randomUUID().toString())))
            val draft = drafts.load(draftKey)
            update { (if (draft != null) fromDraft(draft).copy(restoredDraft = true) else base).copy(loading = false, isNew = record == null) }
        } catch (e: GridkeeperException) {
            update { it.copy(loading = false, banner = Messages.plainWords(e, lang)) }
        }
    }

    private fun edit(path: String, change: (MediationState) -> MediationState) {
        update { change(it).copy(errors = it.errors - path) }
        drafts.save(draftKey, toDraft(state.value))
    }

    private suspend fun save() {
        val s = state.value
        try {
            val base = original
            val data = toMediation(s, base?.data)
            val id = if (base == null) io { repos.mediations.create(grid, data) } else {
                io { repos.mediations.update(base, data) }
                base.id
            }
            drafts.clear(draftKey)
            update { it.copy(errors = emptyMap()) }
            emit(MediationEffect.Saved(id))
        } catch (e: GridkeeperException.Invalid) {
            update { it.copy(errors = it.errors + (e.field to Messages.fieldMessage(e.field, e.reason, lang))) }
        } catch (e: GridkeeperException) {
            update { it.copy(banner = Messages.plainWords(e, lang)) }
        }
    }

    companion object {
        private val indexed = Regex("""(parties|sessions)\[(\d+)]\.(\w+)""")

        fun setField(s: MediationState, path: String, value: String): MediationState {
            indexed.matchEntire(path)?.let { m ->
                val i = m.groupValues[2].toInt()
                val field = m.groupValues[3]
                return if (m.groupValues[1] == "parties") {
                    val list = s.parties.toMutableList()
                    while (list.size <= i) list += PartyForm("")
                    list[i] = when (field) {
                        "id" -> list[i].copy(id = value)
                        "name" -> list[i].copy(name = value)
                        "phone" -> list[i].copy(phone = value)
                        else -> list[i]
                    }
                    s.copy(parties = list)
                } else {
                    val list = s.sessions.toMutableList()
                    while (list.size <= i) list += SessionForm()
                    list[i] = when (field) {
                        "id" -> list[i].copy(id = value)
                        "date" -> list[i].copy(date = value)
                        "outcome" -> list[i].copy(outcome = value)
                        else -> list[i]
                    }
                    s.copy(sessions = list)
                }
            }
            return when (path) {
                "opened_on" -> s.copy(openedOn = value)
                "narrative" -> s.copy(narrative = value)
                "agreement_text" -> s.copy(agreementText = value)
                "dispute_type" -> s.copy(disputeType = DisputeType.values().firstOrNull { it.name == value } ?: s.disputeType)
                "risk_level" -> s.copy(riskLevel = RiskLevel.values().firstOrNull { it.name == value } ?: s.riskLevel)
                "result" -> s.copy(result = MediationResult.values().firstOrNull { it.name == value })
                else -> if (path.startsWith("signature.")) s.copy(signatures = s.signatures + (path.removePrefix("signature.") to value)) else s
            }
        }

        fun toDraft(s: MediationState): Map<String, String> = buildMap {
            put("opened_on", s.openedOn)
            put("narrative", s.narrative)
            put("agreement_text", s.agreementText)
            put("dispute_type", s.disputeType.name)
            put("risk_level", s.riskLevel.name)
            put("result", s.result?.name ?: "")
            s.parties.forEachIndexed { i, p ->
                put("parties[$i].id", p.id); put("parties[$i].name", p.name); put("parties[$i].phone", p.phone)
            }
            s.sessions.forEachIndexed { i, x ->
                put("sessions[$i].id", x.id); put("sessions[$i].date", x.date); put("sessions[$i].outcome", x.outcome)
            }
            s.signatures.forEach { (party, hash) -> put("signature.$party", hash) }
        }

        fun fromDraft(d: Map<String, String>): MediationState =
            d.entries.sortedBy { it.key }.fold(MediationState()) { s, (k, v) -> setField(s, k, v) }

        fun fromRecord(m: Mediation) = MediationState(
            disputeType = m.disputeType, riskLevel = m.riskLevel, openedOn = m.openedOn, narrative = m.narrative,
            parties = m.parties.map { PartyForm(it.id, it.name, it.phone ?: "") },
            sessions = m.sessions.map { SessionForm(it.id, it.date, it.outcome) },
            result = m.result, agreementText = m.agreementText,
            signatures = m.signatures.associate { it.partyId to it.blob },
        )

        /** Fields the form does not show (a party's household link, follow-ups) are kept. */
        fun toMediation(s: MediationState, before: Mediation?): Mediation {
            val parties = s.parties.map { p ->
                val old = before?.parties?.firstOrNull { it.id == p.id }
                (old ?: Party(name = "")).copy(id = p.id, name = p.name.trim(), phone = p.phone.trim().ifEmpty { null })
            }
            val sessions = s.sessions.map { x ->
                val old = before?.sessions?.firstOrNull { it.id.isNotEmpty() && it.id == x.id }
                (old ?: MediationSession(date = "")).copy(id = x.id, date = x.date.trim(), outcome = x.outcome.trim())
            }
            val base = before ?: Mediation(disputeType = s.disputeType, riskLevel = s.riskLevel, openedOn = s.openedOn)
            return base.copy(
                disputeType = s.disputeType, riskLevel = s.riskLevel, openedOn = s.openedOn.trim(),
                narrative = s.narrative, parties = parties, sessions = sessions, result = s.result,
                agreementText = s.agreementText,
                signatures = s.signatures.map { (party, hash) -> Signature(party, hash) }.sortedBy { it.partyId },
            )
        }
    }
}
