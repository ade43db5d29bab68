package org.gridkeeper.app.shared.test

import org.gridkeeper.*
import org.gridkeeper.app.shared.screens.*
import org.junit.Assert.*
import org.junit.Test

class TodayTest {
    @Test
    fun theAgendaListsWhoIsDueAndATapOpensIt() = phone("today") { p ->
        val hid = p.store.createHousehold(GRID, household("刘大爷", "2", "1", "101", MemberTag.SOLITARY_ELDERLY))
        val cid = p.store.createCase(GRID, Case(category = CaseCategory.HAZARD, description = "楼道堆放杂物",
            severity = Severity.HIGH))
        val h = TodayHolder(p.repos, GRID)
        val s = h.run(TodayEvent.Refresh)
        val visit = s.visits.single()
        assertEquals("刘大爷 · 独居老人", visit.title)
        assertEquals(AgendaTarget.Household(hid, p.store.getHousehold(hid).data.members[0].id), visit.target)
        assertEquals("隐患 · 严重", s.cases.single().title)
        assertTrue(s.cases.single().detail.startsWith("已上报"))
        h.run(TodayEvent.Open(AgendaTarget.Case(cid)))
        assertEquals(TodayEffect.Navigate(AgendaTarget.Case(cid)), h.pollEffect())
    }
}
