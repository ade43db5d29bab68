package org.gridkeeper.app.shared.test

import org.gridkeeper.*
import org.gridkeeper.app.shared.*
import org.gridkeeper.app.shared.screens.*
import org.gridkeeper.test.png
import org.junit.Assert.*
import org.junit.Test
import java.io.File

class MediationTest {
    @Test
    fun partiesSessionsResultAndSignaturesAreSaved() = phone("mediation") { p ->
        val h = MediationHolder(p.repos, p.drafts, GRID, null)
        val s = h.run(
            MediationEvent.Load,
            MediationEvent.DisputeTypeChosen(DisputeType.NEIGHBOUR),
            MediationEvent.Field("parties[0].name", "王建国"),
            MediationEvent.AddParty,
            MediationEvent.Field("parties[1].name", "李红"),
            MediationEvent.Field("narrative", "楼上漏水影响楼下"),
            MediationEvent.AddSession,
            MediationEvent.Field("sessions[0].outcome", "双方同意维修"),
            MediationEvent.ResultChosen(MediationResult.AGREEMENT),
            MediationEvent.Save,
        )
        assertEquals(mapOf("agreement_text" to "协议内容：达成协议时必须填写协议内容"), s.errors)
        val parties = s.parties.map { it.id }
        h.run(MediationEvent.Field("agreement_text", "王建国负责维修，费用各半"),
            MediationEvent.Sign(parties[0], png()), MediationEvent.Sign(parties[1], png()), MediationEvent.Save)
        val id = (h.pollEffect() as MediationEffect.Saved).id
        val m = p.store.getMediation(id).data
        assertEquals(listOf("王建国", "李红"), m.parties.map { it.name })
        assertEquals(parties.toSet(), m.signatures.map { it.partyId }.toSet())
        assertNotNull(p.store.attachmentBytes(m.signatures[0].blob))
        assertEquals("双方同意维修", m.sessions.single().outcome)
        assertEquals(MediationResult.AGREEMENT, m.result)
    }

    @Test
    fun anUnsavedMediationSurvivesTheAppBeingKilled() = phone("mediation-draft") { p ->
        val first = MediationHolder(p.repos, p.drafts, GRID, null)
        val typed = first.run(MediationEvent.Load, MediationEvent.Field("parties[0].name", "周强"),
            MediationEvent.Field("narrative", "工资拖欠"), MediationEvent.DisputeTypeChosen(DisputeType.LABOUR),
            MediationEvent.Sign("x", png()))
        val reopened = FileDraftStore(File(p.dir, "drafts"), AesGcmDraftCipher.fromStoreKey(p.key))
        val s = MediationHolder(p.repos, reopened, GRID, null).run(MediationEvent.Load)
        assertTrue(s.restoredDraft)
        assertEquals(typed.parties, s.parties)
        assertEquals("工资拖欠", s.narrative)
        assertEquals(DisputeType.LABOUR, s.disputeType)
        assertEquals(typed.signatures, s.signatures)
    }
}
