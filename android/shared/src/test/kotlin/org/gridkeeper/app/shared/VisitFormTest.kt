package org.gridkeeper.app.shared.test

import org.gridkeeper.*
import org.gridkeeper.app.shared.*
import org.gridkeeper.app.shared.screens.*
import org.gridkeeper.test.png
import org.junit.Assert.*
import org.junit.Test

class VisitFormTest {
    @Test
    fun aVisitFromAMemberWithPhotoAndLocationTakesThemOffTheAgenda() = phone("visit") { p ->
        val hid = p.store.createHousehold(GRID, household("陈奶奶", "4", "1", "202", MemberTag.EMPTY_NEST_ELDERLY))
        val memberId = p.store.getHousehold(hid).data.members[0].id
        assertEquals(1, p.store.agenda(GRID).visits.size)
        val h = VisitFormHolder(p.repos, p.drafts, GRID, Subject(SubjectKind.HOUSEHOLD, hid), memberId)
        val s = h.run(
            VisitFormEvent.Load,
            VisitFormEvent.Purpose(VisitPurpose.SPECIAL_GROUP_CARE),
            VisitFormEvent.Findings("身体尚好，叮嘱注意用电安全"),
            VisitFormEvent.Photo(png(), "image/png"),
            VisitFormEvent.Location(39.9087, 116.3975, 12.0),
        )
        assertEquals(setOf(memberId), s.membersSeen)
        assertEquals(listOf(memberId to "陈奶奶"), s.members)
        assertEquals(1, s.photos.size)
        h.run(VisitFormEvent.Save)
        val saved = h.pollEffect() as VisitFormEffect.Saved
        assertNull(saved.caseId)
        val visit = p.store.getVisit(saved.visitId).data
        assertEquals(s.photos, visit.photos)
        assertEquals(39.9087, visit.location!!.lat, 1e-9)
        assertEquals(listOf(memberId), visit.membersSeen)
        assertEquals(0, p.store.agenda(GRID).visits.size)
        assertNull(p.drafts.load("visit:$hid"))
    }

    @Test
    fun aVisitCanRaiseACaseAndACaseWithoutDescriptionIsRefused() = phone("visit-case") { p ->
        val hid = p.store.createHousehold(GRID, household("黄先生", "4", "1", "203"))
        val h = VisitFormHolder(p.repos, p.drafts, GRID, Subject(SubjectKind.HOUSEHOLD, hid))
        val refused = h.run(VisitFormEvent.Load, VisitFormEvent.RaiseCase(true),
            VisitFormEvent.CaseCategoryChosen(CaseCategory.ERRAND), VisitFormEvent.Save)
        assertEquals(listOf("description"), refused.errors.keys.toList())
        assertEquals("描述：必须填写", refused.errors["description"])
        h.run(VisitFormEvent.CaseDescription("帮办老年证"), VisitFormEvent.Save)
        val saved = h.pollEffect() as VisitFormEffect.Saved
        val case = p.store.getCase(saved.caseId!!)
        assertEquals(CaseCategory.ERRAND, case.data.category)
        assertEquals(saved.visitId, case.data.source?.id)
    }
}
