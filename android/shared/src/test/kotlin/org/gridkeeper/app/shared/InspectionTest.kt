package org.gridkeeper.app.shared.test

import org.gridkeeper.*
import org.gridkeeper.app.shared.*
import org.gridkeeper.app.shared.screens.*
import org.gridkeeper.test.png
import org.junit.Assert.*
import org.junit.Test
import java.io.File

class InspectionTest {
    private val passes = listOf("exits_clear", "window_bars", "emergency_lighting", "ebike_flying_wire",
        "three_in_one", "wiring", "flammable_storage", "smoke_alarm", "safety_person")

    private fun shop(p: Phone) = p.store.createPlace(GRID, Place(name = "好邻居便利店", placeType = PlaceType.SHOP,
        address = Address(text = "幸福路12号")))

    @Test
    fun aRunCompletesOnlyOnceTheChecklistRulesHold() = phone("insp") { p ->
        val pid = shop(p)
        val h = InspectionHolder(p.repos, p.drafts, GRID)
        assertEquals(listOf("好邻居便利店"), h.run(InspectionEvent.Load).places.map { it.name })
        val picked = h.run(InspectionEvent.PickPlace(pid))
        assertEquals(InspectionStage.PICK_TEMPLATE, picked.stage)
        val fire = picked.templates.first { it.id == "fire_safety" }
        val started = h.run(InspectionEvent.PickTemplate(fire.id, fire.version))
        assertEquals(InspectionStage.RUN, started.stage)
        assertFalse(started.canComplete)
        // Conditions: the extinguisher count shows only once extinguishers are present.
        assertFalse(started.items.any { it.id == "ext_count" })
        assertTrue(h.run(InspectionEvent.AnswerText("ext_present", "pass")).items.any { it.id == "ext_count" })
        // Numeric bounds: fewer than 2 extinguishers is a failed reading.
        val low = h.run(InspectionEvent.AnswerNumber("ext_count", 1.0)).items.first { it.id == "ext_count" }
        assertTrue(low.failed)
        assertEquals("不合格：请上报隐患或填写说明", low.problem)
        assertFalse(h.run(InspectionEvent.AnswerNumber("ext_count", 3.0)).items.first { it.id == "ext_count" }.failed)
        h.run(InspectionEvent.AnswerText("ext_in_date", "pass"), InspectionEvent.AnswerText("ext_accessible", "pass"))
        passes.forEach { h.run(InspectionEvent.AnswerText(it, "pass")) }
        h.run(InspectionEvent.AnswerText("ebike_indoor", "fail"))
        // Required photos: the exits item and the site photos still block completion.
        val beforePhotos = h.state.value
        assertEquals("此项必须拍照", beforePhotos.items.first { it.id == "exits_clear" }.problem)
        assertEquals("此项必须拍照", beforePhotos.items.first { it.id == "site_photos" }.problem)
        h.run(InspectionEvent.Photo("exits_clear", png(), "image/png"), InspectionEvent.Photo("site_photos", png(), "image/png"))
        val failed = h.state.value.items.first { it.id == "ebike_indoor" }
        assertTrue(failed.failed)
        assertFalse(h.state.value.canComplete)
        assertEquals(listOf("ebike_indoor"), h.state.value.items.filter { it.problem != null }.map { it.id })
        // Completing now is refused and nothing is written.
        val blocked = h.run(InspectionEvent.Complete)
        assertEquals(InspectionStage.RUN, blocked.stage)
        assertEquals("还有未完成的检查项，不能完成巡查", blocked.banner)
        assertEquals(InspectionStatus.DRAFT, p.store.getInspection(blocked.inspectionId!!).data.status)
        // The failed item raises a hazard case; then the run completes.
        val raised = h.run(InspectionEvent.RaiseCase("ebike_indoor", "楼道内电动车充电"))
        val caseId = (h.pollEffect() as InspectionEffect.CaseRaised).caseId
        assertEquals(caseId, raised.items.first { it.id == "ebike_indoor" }.caseId)
        assertTrue(raised.canComplete)
        assertEquals(CaseCategory.HAZARD, p.store.getCase(caseId).data.category)
        val done = h.run(InspectionEvent.Complete)
        assertEquals(InspectionStage.DONE, done.stage)
        assertEquals(InspectionEffect.Completed(done.inspectionId!!), h.pollEffect())
        assertEquals(InspectionStatus.COMPLETED, p.store.getInspection(done.inspectionId!!).data.status)
    }

    @Test
    fun aRunInProgressReopensAfterTheAppIsKilled() = phone("insp-resume") { p ->
        val pid = shop(p)
        val first = InspectionHolder(p.repos, p.drafts, GRID)
        first.run(InspectionEvent.Load, InspectionEvent.PickPlace(pid), InspectionEvent.PickTemplate("fire_safety", 1u),
            InspectionEvent.AnswerText("ext_present", "fail"), InspectionEvent.Note("ext_present", "当场购置灭火器"))
        val reopened = FileDraftStore(File(p.dir, "drafts"), AesGcmDraftCipher.fromStoreKey(p.key))
        val s = InspectionHolder(p.repos, reopened, GRID).run(InspectionEvent.Load)
        assertEquals(InspectionStage.RUN, s.stage)
        assertEquals("好邻居便利店", s.placeName)
        val item = s.items.first { it.id == "ext_present" }
        assertEquals(AnswerValue.Text("fail"), item.answer)
        assertEquals("当场购置灭火器", item.note)
        assertNull("a note is an action for a failed item", item.problem)
    }
}
