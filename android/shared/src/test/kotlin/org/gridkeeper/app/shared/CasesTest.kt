package org.gridkeeper.app.shared.test

import org.gridkeeper.*
import org.gridkeeper.app.shared.*
import org.gridkeeper.app.shared.screens.*
import org.gridkeeper.test.png
import org.junit.Assert.*
import org.junit.Test

class CasesTest {
    private fun hazard(p: Phone, text: String) =
        p.store.createCase(GRID, Case(category = CaseCategory.HAZARD, description = text, severity = Severity.HIGH))

    @Test
    fun onlyLegalTransitionsAreOfferedAndACaseWalksItsLoop() = phone("cases") { p ->
        val id = hazard(p, "消防通道堵塞")
        val h = CaseDetailHolder(p.repos, id)
        val s = h.run(CaseDetailEvent.Load)
        assertEquals("已上报", s.stateLabel)
        assertEquals(listOf(CaseAction.ACCEPT, CaseAction.RETURN, CaseAction.ESCALATE, CaseAction.COMMENT), s.actions.map { it.first })
        assertEquals(listOf("受理", "退回", "上报上级", "备注"), s.actions.map { it.second })
        h.run(CaseDetailEvent.Act(CaseAction.ACCEPT))
        assertEquals(CaseDetailEffect.Moved(CaseState.ACCEPTED), h.pollEffect())
        val started = h.run(CaseDetailEvent.Act(CaseAction.START))
        assertEquals(listOf(CaseAction.RESOLVE, CaseAction.ESCALATE, CaseAction.COMMENT), started.actions.map { it.first })
        val resolved = h.run(CaseDetailEvent.Photo(png(), "image/png"), CaseDetailEvent.Note("已清理"), CaseDetailEvent.Act(CaseAction.RESOLVE))
        assertEquals(CaseState.RESOLVED, resolved.state)
        assertEquals(1, resolved.photosAfter.size)
        assertEquals(listOf("上报", "受理", "开始处置", "办结"), resolved.timeline.map { it.action })
        assertEquals("已清理", resolved.timeline.last().note)
        h.run(CaseDetailEvent.Act(CaseAction.VERIFY))
        val closed = h.run(CaseDetailEvent.Act(CaseAction.CLOSE))
        assertEquals(CaseState.CLOSED, closed.state)
        assertTrue(closed.actions.isEmpty())
    }

    @Test
    fun returningWithoutAReasonIsRefusedBesideTheReasonInput() = phone("cases-return") { p ->
        val id = hazard(p, "电线私拉乱接")
        val h = CaseDetailHolder(p.repos, id)
        val s = h.run(CaseDetailEvent.Load, CaseDetailEvent.Act(CaseAction.RETURN))
        assertEquals(mapOf("reason" to "原因：退回时必须写明原因"), s.errors)
        assertEquals(CaseState.REPORTED, p.store.getCase(id).state)
        val back = h.run(CaseDetailEvent.Reason("不属于本网格"), CaseDetailEvent.Act(CaseAction.RETURN))
        assertEquals(CaseState.RETURNED, back.state)
        assertEquals("不属于本网格", back.timeline.last().reason)
    }

    @Test
    fun theListFiltersByState() = phone("cases-list") { p ->
        val a = hazard(p, "一")
        val b = hazard(p, "二")
        p.store.caseTransition(b, CaseTransition(action = CaseAction.ACCEPT))
        val h = CasesHolder(p.repos, GRID)
        assertEquals(setOf(a, b), h.run(CasesEvent.Load).rows.map { it.id }.toSet())
        val accepted = h.run(CasesEvent.Filter(CaseState.ACCEPTED))
        assertEquals(listOf(b), accepted.rows.map { it.id })
        assertEquals("已受理", accepted.rows.single().stateLabel)
        h.run(CasesEvent.Open(b))
        assertEquals(CasesEffect.OpenCase(b), h.pollEffect())
    }
}
