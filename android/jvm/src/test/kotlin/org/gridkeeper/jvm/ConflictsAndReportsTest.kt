package org.gridkeeper.jvm

import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.SkikoComposeUiTest
import androidx.compose.ui.test.performScrollTo
import androidx.compose.ui.test.performTextInput
import org.gridkeeper.CaseReportScreen
import org.gridkeeper.ConflictListScreen
import org.gridkeeper.TodayScreen
import org.gridkeeper.app.R
import org.gridkeeper.app.Routes
import org.gridkeeper.screens.CaseReportEvent
import org.gridkeeper.screens.CaseReportSubjectKind
import org.gridkeeper.screens.ConflictListEvent
import org.gridkeeper.screens.Lang
import org.gridkeeper.screens.TodayEvent
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertTrue
import org.junit.Rule
import org.junit.Test

/**
 * Issue 26 over the demo grid: the records the demo's phones left in conflict, listed from
 * 今日工作 after this phone's first sync and each opening its own conflicts; and a case
 * reported from a place's page and a household's page, about that place or household.
 */
@OptIn(ExperimentalTestApi::class)
class ConflictsAndReportsTest {
    @get:Rule
    val main = ImmediateMain()

    private val store get() = DemoPhone.store
    private val grid = Relay.GRID
    private val zh = Lang.ZH

    private fun show(lang: Lang, route: String?, fontScale: Float = 1f, check: SkikoComposeUiTest.() -> Unit) = onPhone(fontScale) {
        DemoPhone.app(lang).use { app ->
            setContent { AppUnderTest(app, PhoneEffects(app), grid, route) }
            check()
        }
    }

    private fun now() = System.currentTimeMillis() / 1000

    @Test
    fun conflictsLeftByTheDemoAreListedFromTodayAndOpenTheirRecord() {
        // The phone bootstrapped the grid: its documents were read for conflicts after the pull.
        val rows = ConflictListScreen(store, grid, zh).use { it.send(ConflictListEvent.Load).view }.rows
        assertTrue("the demo left conflicts in ${Relay.GRID}", rows.isNotEmpty())
        rows.forEach { assertTrue("${it.id} listed with a conflict", store.conflicts(it.id).isNotEmpty()) }
        for (lang in Lang.entries) show(lang, null) {
            val today = TodayScreen(store, grid, lang).use { it.send(TodayEvent.Refresh(now())).view }
            val line = today.conflictsText
            assertNotNull("今日工作 counts the records in conflict", line)
            awaitText(line!!)
            screenshot("today-conflicts-${lang.tag}")
            tap(line)
            awaitText(word(lang, R.string.conflict_list_title))
            val view = ConflictListScreen(store, grid, lang).use { it.send(ConflictListEvent.Load).view }
            val first = view.rows.first()
            awaitText(first.title)
            awaitText(first.count)
            screenshot("conflict-list-${lang.tag}")
            tap(first.title)
            // The record's own conflicts: both values and a pick.
            awaitText(word(lang, R.string.conflicts_title))
            awaitText(word(lang, R.string.conflict_shown))
        }
    }

    @Test
    fun theConflictListReadsAtTheLargestFont() = show(zh, Routes.CONFLICT_LIST, fontScale = 2f) {
        val first = ConflictListScreen(store, grid, zh).use { it.send(ConflictListEvent.Load).view }.rows.first()
        awaitText(first.title)
        assertEquals(emptyList<String>(), unreadable())
        screenshot("conflict-list-largest-font-zh")
    }

    @Test
    fun aCaseReportedFromAPlacesPageIsAboutThatPlace() {
        val place = store.listPlaces(grid, null).first()
        for (lang in Lang.entries) show(lang, Routes.place(place.id)) {
            awaitText(place.name)
            tap(word(lang, R.string.report_case))
            awaitText(word(lang, R.string.case_description))
            // The form names what it is about.
            assertTrue("the place named on the form", shown(place.name))
            screenshot("case-report-place-${lang.tag}")
        }
        val before = store.listCases(grid, null).count { it.subjectId == place.id }
        show(zh, Routes.place(place.id)) {
            awaitText(place.name)
            tap(word(zh, R.string.report_case))
            awaitText(word(zh, R.string.case_description))
            field(word(zh, R.string.case_description)).performScrollTo().performTextInput("门口电动车充电，飞线穿过走道")
            tap(word(zh, R.string.save))
            awaitOrTell("the case saved about the place", 10_000) {
                store.listCases(grid, null).count { it.subjectId == place.id } == before + 1
            }
            // The report opens the case it saved.
            awaitText(word(zh, R.string.timeline))
        }
        val case = store.listCases(grid, null).last { it.subjectId == place.id }
        assertEquals("place", case.subjectKind)
    }

    @Test
    fun aCaseReportedFromAHouseholdsPageIsAboutThatHousehold() {
        val home = store.listHouseholds(grid, null).first()
        // The words the form shows for its subject, from the core.
        val about = CaseReportScreen(store, grid, CaseReportSubjectKind.HOUSEHOLD, home.id, zh).use {
            it.send(CaseReportEvent.Load).view.subject
        }
        assertNotNull(about)
        for (lang in Lang.entries) show(lang, Routes.household(home.id)) {
            awaitText(word(lang, R.string.members))
            tap(word(lang, R.string.report_case))
            awaitText(word(lang, R.string.case_description))
            awaitText(about!!)
            screenshot("case-report-household-${lang.tag}")
        }
        val before = store.listCases(grid, null).count { it.subjectId == home.id }
        show(zh, Routes.household(home.id)) {
            awaitText(word(zh, R.string.members))
            tap(word(zh, R.string.report_case))
            awaitText(word(zh, R.string.case_description))
            field(word(zh, R.string.case_description)).performScrollTo().performTextInput("老人想办理高龄补贴，需代办")
            tap(word(zh, R.string.save))
            awaitOrTell("the case saved about the household", 10_000) {
                store.listCases(grid, null).count { it.subjectId == home.id } == before + 1
            }
            // The report opens the case it saved.
            awaitText(word(zh, R.string.timeline))
        }
        assertEquals("household", store.listCases(grid, null).last { it.subjectId == home.id }.subjectKind)
    }

    @Test
    fun aCaseIsStillReportedOnItsOwnFromTheCasesTab() = show(zh, null) {
        awaitText(word(zh, R.string.nav_cases))
        tap(word(zh, R.string.nav_cases))
        awaitText(word(zh, R.string.report_case))
        tap(word(zh, R.string.report_case))
        awaitText(word(zh, R.string.case_description))
        val alone = CaseReportScreen(store, grid, null, null, zh).use { it.send(CaseReportEvent.Load).view }
        assertEquals("no subject when reported on its own", null, alone.subject)
    }
}
