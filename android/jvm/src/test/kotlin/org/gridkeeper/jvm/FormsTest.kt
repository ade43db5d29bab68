package org.gridkeeper.jvm

import androidx.compose.ui.semantics.SemanticsActions
import androidx.compose.ui.semantics.SemanticsProperties
import androidx.compose.ui.semantics.getOrNull
import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.SemanticsNodeInteraction
import androidx.compose.ui.test.SkikoComposeUiTest
import androidx.compose.ui.test.assertIsEnabled
import androidx.compose.ui.test.hasSetTextAction
import androidx.compose.ui.test.hasText
import androidx.compose.ui.test.onAllNodesWithText
import androidx.compose.ui.test.onFirst
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performScrollTo
import androidx.compose.ui.test.performTextClearance
import androidx.compose.ui.test.performTextInput
import org.gridkeeper.app.R
import org.gridkeeper.app.Routes
import org.gridkeeper.HouseholdEditScreen
import org.gridkeeper.InspectionScreen
import org.gridkeeper.screens.HouseholdEditEvent
import org.gridkeeper.screens.InspectionEvent
import org.gridkeeper.screens.Lang
import org.gridkeeper.screens.VisitFormEvent
import org.gridkeeper.VisitFormScreen
import org.gridkeeper.screens.VisitFormSubject
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Rule
import org.junit.Test

/** The text input labelled [label]. */
@OptIn(ExperimentalTestApi::class)
fun SkikoComposeUiTest.field(label: String): SemanticsNodeInteraction =
    onNode(hasSetTextAction() and hasText(label))

/** The message a field carries for TalkBack and under it, if any. */
fun SemanticsNodeInteraction.errorMessage(): String? = fetchSemanticsNode().config.getOrNull(SemanticsProperties.Error)

/** Taps the first node showing [text], scrolled into view when it sits in a scrolling column. */
@OptIn(ExperimentalTestApi::class)
fun SkikoComposeUiTest.tap(text: String) {
    val node = onAllNodesWithText(text).onFirst()
    if (node.fetchSemanticsNode().let { n -> generateSequence(n.parent) { it.parent }.any { SemanticsActions.ScrollBy in it.config } }) {
        node.performScrollTo()
    }
    node.performClick()
}

/** A valid 18-character ID number (GB 11643 check digit). */
fun idNumber(region: String, birth: String, seq: Int): String {
    val first17 = region + birth + "%03d".format(seq)
    val weights = intArrayOf(7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    val sum = first17.mapIndexed { i, c -> (c - '0') * weights[i] }.sum()
    return first17 + "10X98765432"[sum % 11]
}

/**
 * Taps and typing through the Compose UI test API into the real core: each form's input
 * reaches the store (or is refused with the core's message under the right field).
 */
@OptIn(ExperimentalTestApi::class)
class FormsTest {
    @get:Rule
    val main = ImmediateMain()

    private val store get() = DemoPhone.store
    private val grid = Relay.GRID
    private val zh = Lang.ZH

    @Test
    fun householdFormPutsTheIdNumberErrorUnderItsFieldAndSavesOnceFixed() = onPhone {
        val before = store.listHouseholds(grid, null).size
        val form = HouseholdEditScreen(store, grid, null, zh).use { it.send(HouseholdEditEvent.Load).view }
        DemoPhone.app(zh).use { app ->
            val effects = PhoneEffects(app)
            setContent { AppUnderTest(app, effects, grid, Routes.NEW_HOUSEHOLD) }
            awaitText(form.address[1].label)
            awaitOrTell("the form loaded") { field(form.address[1].label).fetchSemanticsNode().config.contains(SemanticsProperties.Disabled).not() }
            // Compound, building, unit, room.
            for ((at, value) in listOf(1 to "测试小区", 2 to "9", 3 to "1", 5 to "101")) {
                field(form.address[at].label).performScrollTo().performTextInput(value)
            }
            tap(form.housingTypes.first().label)
            field(word(zh, R.string.member_name)).performScrollTo().performTextInput("赵测试")
            val good = idNumber("110101", "19900101", 17)
            val bad = good.dropLast(1) + if (good.last() == '1') '2' else '1'
            field(word(zh, R.string.member_id_number)).performScrollTo().performTextInput(bad)
            tap(word(zh, R.string.save))
            awaitOrTell("an error under the ID number", 10_000) {
                field(word(zh, R.string.member_id_number)).errorMessage() != null
            }
            val message = field(word(zh, R.string.member_id_number)).errorMessage()!!
            assertTrue("the message names the ID number: $message", "身份证" in message)
            assertNull(field(word(zh, R.string.member_name)).errorMessage())
            assertTrue("the message is on screen", shown(message))
            screenshot("household-form-error-zh")
            assertEquals("nothing saved while refused", before, store.listHouseholds(grid, null).size)

            field(word(zh, R.string.member_id_number)).performTextClearance()
            field(word(zh, R.string.member_id_number)).performTextInput(good)
            tap(word(zh, R.string.save))
            awaitOrTell("the household saved", 10_000) { store.listHouseholds(grid, null).size == before + 1 }
            awaitOrTell("the form closed", 5_000) { "close" in effects.asked }
            // A new household opens once saved: its page shows the member just typed.
            awaitText("赵测试", substring = true)
            awaitText(word(zh, R.string.start_visit))
            waitForIdle()
        }
        val saved = store.listHouseholds(grid, null).single { it.compound == "测试小区" }
        assertEquals("赵测试", saved.headName)
    }

    @Test
    fun visitTakesAPhotoAndALocationAndIsSaved() = onPhone {
        val household = store.listHouseholds(grid, null).maxBy { it.memberCount }
        val before = store.listVisits(grid, null).size
        val purposes = VisitFormScreen(store, VisitFormSubject.HOUSEHOLD, household.id, null, zh).use {
            it.send(VisitFormEvent.Load).view.purposes
        }
        DemoPhone.app(zh).use { app ->
            val effects = PhoneEffects(app)
            setContent { AppUnderTest(app, effects, grid, Routes.visit(household.id, null)) }
            // The inputs wait for the form (and any draft of it) to load.
            awaitText(purposes.last().label)
            tap(purposes.last().label)
            field(word(zh, R.string.visit_findings)).performScrollTo().assertIsEnabled().performTextInput("老人身体尚好，已提醒冬季用电安全")
            tap(word(zh, R.string.take_photo))
            awaitOrTell("the camera asked") { "photo" in effects.asked }
            awaitText(word(zh, R.string.photos_n, 1))
            tap(word(zh, R.string.locate))
            awaitOrTell("the location asked") { "location" in effects.asked }
            screenshot("visit-zh")
            onAllNodesWithText(word(zh, R.string.save)).onFirst().assertIsEnabled()
            tap(word(zh, R.string.save))
            awaitOrTell("the visit saved") { store.listVisits(grid, null).size == before + 1 }
        }
        val visit = store.listVisits(grid, null).map { store.getVisit(it.id) }
            .single { it.data.findings == "老人身体尚好，已提醒冬季用电安全" }
        assertEquals(household.id, visit.data.subject.id)
        assertEquals("the photo the camera gave", 1, visit.data.photos.size)
        assertEquals(30.2741, visit.data.location!!.lat, 1e-6)
    }

    @Test
    fun inspectionShowsAFailedItemWithItsHazardChoicesAndResumesIt() {
        val place = store.listPlaces(grid, null).first()
        onPhone {
            DemoPhone.app(zh).use { app ->
                setContent { AppUnderTest(app, PhoneEffects(app), grid, Routes.inspection(place.id)) }
                awaitText(word(zh, R.string.inspection_pick_template), substring = true)
                screenshot("inspection-templates-zh")
                val template = InspectionScreen(store, grid, place.id, zh).use { it.send(InspectionEvent.Load).view }.templates.first()
                tap(template.title)
                awaitText(word(zh, R.string.answer_fail))
                tap(word(zh, R.string.answer_fail))
                awaitText(word(zh, R.string.raise_hazard))
                onAllNodesWithText(word(zh, R.string.raise_hazard)).onFirst().assertIsEnabled()
                screenshot("inspection-failing-zh")
            }
        }
        // The first answer made the inspection a draft record: opening the place again, in
        // English now, goes on from that answer instead of asking for a checklist.
        val en = Lang.EN
        onPhone {
            DemoPhone.app(en).use { app ->
                setContent { AppUnderTest(app, PhoneEffects(app), grid, Routes.inspection(place.id)) }
                awaitText(word(en, R.string.raise_hazard))
                assertTrue(!shown(word(en, R.string.inspection_pick_template), substring = true))
                screenshot("inspection-failing-en")
            }
        }
    }

    @Test
    fun aNewPhoneEnrolsThroughTheScreenAndSyncsTheGrid() = onPhone {
        val store = openPhoneStore("enrol")
        TestApp(store, zh).use { app ->
            val effects = PhoneEffects(app)
            setContent { AppUnderTest(app, effects, grid = null) }
            awaitText(word(zh, R.string.enrol_title))
            field(word(zh, R.string.enrol_server)).performTextInput(Relay.url)
            field(word(zh, R.string.enrol_code)).performTextInput("NOT-A-CODE")
            tap(word(zh, R.string.enrol_submit))
            awaitOrTell("the refusal shown", 15_000) {
                onAllNodes(androidx.compose.ui.test.hasAnyAncestor(androidx.compose.ui.test.isRoot())).fetchSemanticsNodes()
                    .any { it.config.getOrNull(SemanticsProperties.Error) != null || it.config.getOrNull(SemanticsProperties.LiveRegion) != null }
            }
            screenshot("enrol-refused-zh")
            assertTrue(store.syncStatus().grids.isEmpty())

            field(word(zh, R.string.enrol_code)).performTextClearance()
            field(word(zh, R.string.enrol_code)).performTextInput(Relay.enrolCode())
            tap(word(zh, R.string.enrol_submit))
            awaitOrTell("enrolled", 15_000) { effects.grids != null }
            assertEquals(listOf(grid), effects.grids)
            awaitText(word(zh, R.string.sync_now))
            tap(word(zh, R.string.sync_now))
            awaitOrTell("the grid synced", 60_000) { store.listHouseholds(grid, null).isNotEmpty() }
            tap(word(zh, R.string.nav_households))
            val compound = store.listHouseholds(grid, null).map { it.compound }.filter { it.isNotEmpty() }.sorted().first()
            awaitText(compound, substring = true)
            screenshot("enrolled-households-zh")
        }
        store.close()
    }
}
