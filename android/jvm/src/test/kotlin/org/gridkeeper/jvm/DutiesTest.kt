package org.gridkeeper.jvm

import androidx.compose.ui.semantics.SemanticsProperties
import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.assertIsEnabled
import androidx.compose.ui.test.hasSetTextAction
import androidx.compose.ui.test.hasText
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.onAllNodesWithText
import androidx.compose.ui.test.onFirst
import androidx.compose.ui.test.performScrollTo
import androidx.compose.ui.test.performTextInput
import org.gridkeeper.DraftListScreen
import org.gridkeeper.MediationListScreen
import org.gridkeeper.PlaceEditScreen
import org.gridkeeper.PlaceListScreen
import org.gridkeeper.SearchScreen
import org.gridkeeper.TodayScreen
import org.gridkeeper.app.R
import org.gridkeeper.app.Routes
import org.gridkeeper.screens.DraftListEvent
import org.gridkeeper.screens.Lang
import org.gridkeeper.screens.MediationListEvent
import org.gridkeeper.screens.PlaceEditEvent
import org.gridkeeper.screens.PlaceListEvent
import org.gridkeeper.screens.SearchEvent
import org.gridkeeper.screens.TodayEvent
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertTrue
import org.junit.Rule
import org.junit.Test

/**
 * The duties issue 26 found missing on the phone, over the demo grid: the places of the grid
 * (list, one place, registering one and visiting it), the mediation list behind the 调解 tab,
 * and the unfinished forms reached from 今日工作 and resumed.
 */
@OptIn(ExperimentalTestApi::class)
class DutiesTest {
    @get:Rule
    val main = ImmediateMain()

    private val store get() = DemoPhone.store
    private val grid = Relay.GRID
    private val zh = Lang.ZH

    private fun show(lang: Lang, route: String?, check: androidx.compose.ui.test.SkikoComposeUiTest.() -> Unit) = onPhone {
        DemoPhone.app(lang).use { app ->
            setContent { AppUnderTest(app, PhoneEffects(app), grid, route) }
            check()
        }
    }

    @Test
    fun placesListTheGridsShopsWithTheirPhonesMasked() {
        val places = store.listPlaces(grid, null)
        assertTrue("the demo grid has places", places.isNotEmpty())
        val withContact = places.firstOrNull { !it.contact.isNullOrEmpty() }
        for (lang in Lang.entries) show(lang, Routes.PLACES) {
            val view = PlaceListScreen(store, grid, lang).use { it.send(PlaceListEvent.Load).view }
            awaitText(view.countText)
            awaitText(view.rows.first().name)
            assertTrue("a type filter", shown(view.typeChoices.first().label))
            onAllNodesWithText(word(lang, R.string.add_place)).onFirst().assertIsEnabled()
            if (withContact != null) {
                val full = store.getPlace(withContact.id).data.contact!!
                assertFalse("a full phone number on the list", shown(full, substring = true))
            }
            screenshot("places-${lang.tag}")
        }
    }

    @Test
    fun aPlaceShowsWhoIsResponsibleAndLeadsToAVisitAndAnInspection() {
        val place = store.listPlaces(grid, null).first()
        for (lang in Lang.entries) show(lang, Routes.place(place.id)) {
            awaitText(place.name)
            awaitText(word(lang, R.string.start_inspection))
            onAllNodesWithText(word(lang, R.string.start_visit)).onFirst().assertIsEnabled()
            assertTrue(shown(word(lang, R.string.inspections)))
            screenshot("place-${lang.tag}")
        }
        // 巡查 opens the inspection of this very place: its checklists, not the place picker.
        show(zh, Routes.place(place.id)) {
            awaitText(word(zh, R.string.start_inspection))
            tap(word(zh, R.string.start_inspection))
            awaitText(word(zh, R.string.inspection_pick_template), substring = true)
            assertTrue("the place is named", shown(place.name, substring = true))
        }
    }

    @Test
    fun aPlaceRegisteredOnThePhoneIsVisitedFromItsPage() = onPhone {
        val before = store.listPlaces(grid, null).size
        val form = PlaceEditScreen(store, grid, null, zh).use { it.send(PlaceEditEvent.Load).view }
        fun label(field: String) = form.inputs.single { it.field == field }.label
        DemoPhone.app(zh).use { app ->
            val effects = PhoneEffects(app)
            setContent { AppUnderTest(app, effects, grid, Routes.PLACES) }
            awaitText(word(zh, R.string.add_place))
            tap(word(zh, R.string.add_place))
            awaitText(form.title)
            awaitOrTell("the form loaded") { field(label("name")).fetchSemanticsNode().config.contains(SemanticsProperties.Disabled).not() }
            tap(form.placeTypes[1].label)
            field(label("name")).performScrollTo().performTextInput("测试出租屋")
            field(label("address.text")).performScrollTo().performTextInput("幸福路99号")
            field(label("responsible")).performScrollTo().performTextInput("周房东")
            field(label("contact")).performScrollTo().performTextInput("1381234")
            tap(word(zh, R.string.save))
            awaitOrTell("an error under the phone", 10_000) { field(label("contact")).errorMessage() != null }
            assertEquals("nothing saved while refused", before, store.listPlaces(grid, null).size)
            screenshot("place-form-error-zh")
            field(label("contact")).performTextInput("5678")
            tap(word(zh, R.string.save))
            awaitOrTell("the place saved", 10_000) { store.listPlaces(grid, null).size == before + 1 }
            // A place just registered opens: visit it from there.
            awaitText("测试出租屋")
            awaitText(word(zh, R.string.start_inspection))
            screenshot("place-registered-zh")
            val place = store.listPlaces(grid, null).single { it.name == "测试出租屋" }
            val visitsBefore = store.listVisits(grid, null).count { it.subjectId == place.id }
            tap(word(zh, R.string.start_visit))
            awaitText(word(zh, R.string.visit_findings))
            field(word(zh, R.string.visit_findings)).performScrollTo().assertIsEnabled().performTextInput("消防通道畅通，灭火器在有效期内")
            screenshot("place-visit-zh")
            tap(word(zh, R.string.save))
            awaitOrTell("the visit saved", 10_000) { store.listVisits(grid, null).count { it.subjectId == place.id } == visitsBefore + 1 }
            // Back on the place, the visit is listed.
            awaitText(word(zh, R.string.visits))
            awaitOrTell("the visit on the place's page", 10_000) { shown("日常走访", substring = true) }
        }
        val saved = store.listPlaces(grid, null).single { it.name == "测试出租屋" }
        assertEquals("周房东", saved.responsible)
        assertEquals("13812345678", store.getPlace(saved.id).data.contact)
    }

    @Test
    fun theMediationTabListsThoseUnderWayFirstAndOffersANewOne() {
        val mediations = MediationListScreen(store, grid, zh).use { it.send(MediationListEvent.Load).view }
        for (lang in Lang.entries) show(lang, null) {
            awaitText(word(lang, R.string.nav_mediation))
            tap(word(lang, R.string.nav_mediation))
            awaitText(word(lang, R.string.new_mediation))
            val view = MediationListScreen(store, grid, lang).use { it.send(MediationListEvent.Load).view }
            awaitText(view.openText)
            view.rows.firstOrNull()?.let { awaitText(it.title) }
            screenshot("mediations-${lang.tag}")
        }
        if (mediations.rows.isNotEmpty()) {
            val firstClosed = mediations.rows.indexOfFirst { !it.open }
            val lastOpen = mediations.rows.indexOfLast { it.open }
            assertTrue("those under way first", firstClosed == -1 || lastOpen < firstClosed)
        }
        show(zh, Routes.MEDIATIONS) {
            awaitText(word(zh, R.string.new_mediation))
            tap(word(zh, R.string.new_mediation))
            awaitText(word(zh, R.string.parties))
        }
    }

    @Test
    fun anUnfinishedFormIsListedFromTodayAndResumed() {
        val place = store.listPlaces(grid, null).last()
        // The worker began editing a place and left the app.
        PlaceEditScreen(store, grid, place.id, zh).use {
            it.send(PlaceEditEvent.Load)
            it.send(PlaceEditEvent.Text("notes", "下周复查灭火器"))
        }
        for (lang in Lang.entries) show(lang, null) {
            val today = TodayScreen(store, grid, lang).use { it.send(TodayEvent.Refresh(System.currentTimeMillis() / 1000)).view }
            assertNotNull("今日工作 says forms wait", today.draftsText)
            val drafts = today.draftsText!!
            awaitText(drafts)
            screenshot("today-drafts-${lang.tag}")
            tap(drafts)
            awaitText(word(lang, R.string.drafts_title))
            awaitText(place.name)
            assertTrue(shown(word(lang, R.string.resume_draft)))
            screenshot("drafts-${lang.tag}")
        }
        show(zh, Routes.DRAFTS) {
            awaitText(place.name)
            tap(word(zh, R.string.resume_draft))
            awaitText("下周复查灭火器")
            screenshot("draft-resumed-zh")
            tap(word(zh, R.string.discard))
            awaitOrTell("the draft gone once discarded", 10_000) {
                DraftListScreen(store, zh).use { it.send(DraftListEvent.Load).view }.rows.none { it.key == "place:${place.id}" }
            }
        }
    }

    @Test
    fun searchFromTodayFindsAHouseholdAndOpensIt() {
        val head = store.listHouseholds(grid, null).mapNotNull { it.headName }.first { it.length >= 2 }
        for (lang in Lang.entries) show(lang, null) {
            val found = SearchScreen(store, grid, lang).use { it.send(SearchEvent.Query(head)).view }
            val hit = found.rows.first()
            assertEquals("household", hit.kind)
            awaitText(word(lang, R.string.search))
            tap(word(lang, R.string.search))
            field(word(lang, R.string.search_all)).performTextInput(head)
            // A hit: its kind's word and its title, not the search box's text.
            val result = hasText(hit.title) and hasSetTextAction().not()
            awaitOrTell("the hit listed") { onAllNodes(result).fetchSemanticsNodes().isNotEmpty() }
            assertTrue(shown(hit.kindLabel))
            screenshot("search-${lang.tag}")
            onAllNodes(result).onFirst().performClick()
            awaitText(word(lang, R.string.members))
            awaitText(head, substring = true)
        }
    }
}
