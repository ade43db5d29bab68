package org.gridkeeper.jvm

import androidx.compose.ui.semantics.SemanticsProperties
import androidx.compose.ui.semantics.getOrNull
import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.SemanticsMatcher
import androidx.compose.ui.test.SkikoComposeUiTest
import androidx.compose.ui.test.assert
import androidx.compose.ui.test.assertIsEnabled
import androidx.compose.ui.test.hasSetTextAction
import androidx.compose.ui.test.hasScrollAction
import androidx.compose.ui.test.hasText
import androidx.compose.ui.test.performScrollToIndex
import androidx.compose.ui.test.performScrollToNode
import androidx.compose.ui.test.onAllNodesWithText
import androidx.compose.ui.test.onFirst
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performScrollTo
import androidx.compose.ui.test.performTextInput
import org.gridkeeper.app.R
import org.gridkeeper.app.Routes
import org.gridkeeper.HouseholdsScreen
import org.gridkeeper.screens.HouseholdsEvent
import org.gridkeeper.screens.Lang
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotNull
import org.jetbrains.skia.FontMgr
import org.jetbrains.skia.FontStyle
import org.junit.Assert.assertTrue
import org.junit.Rule
import org.junit.Test

/** Waits for [text] anywhere on the screen (the core answers on its own threads). */
@OptIn(ExperimentalTestApi::class)
fun SkikoComposeUiTest.awaitText(text: String, substring: Boolean = false, timeoutMs: Long = 10_000) =
    awaitOrTell("“$text” on screen", timeoutMs) { onAllNodesWithText(text, substring).fetchSemanticsNodes().isNotEmpty() }

/** waitUntil that, when it gives up, says what the screen showed instead. */
@OptIn(ExperimentalTestApi::class)
fun SkikoComposeUiTest.awaitOrTell(what: String, timeoutMs: Long = 10_000, condition: () -> Boolean) {
    try {
        waitUntil(what, timeoutMs, condition)
    } catch (e: androidx.compose.ui.test.ComposeTimeoutException) {
        val texts = onAllNodes(androidx.compose.ui.test.isRoot().not()).fetchSemanticsNodes()
            .flatMap { it.config.getOrNull(SemanticsProperties.Text).orEmpty().map { t -> t.text } }
        throw AssertionError("$what: not within $timeoutMs ms; the screen showed ${texts.distinct()}", e)
    }
}

@OptIn(ExperimentalTestApi::class)
fun SkikoComposeUiTest.shown(text: String, substring: Boolean = false) =
    onAllNodesWithText(text, substring).fetchSemanticsNodes().isNotEmpty()

/** The language in a screenshot's name. */
val Lang.tag: String get() = name.lowercase()

/** The shell's word as the phone shows it in [lang]. */
fun word(lang: Lang, id: Int, vararg args: Any) = ResourceWords(lang).get(id, args)

/**
 * Every screen of the app over the demo grid's data, in Chinese and in English: what a worker
 * must see is asserted from the records themselves, and each screen is written as a PNG.
 */
@OptIn(ExperimentalTestApi::class)
class ScreensTest {
    @get:Rule
    val main = ImmediateMain()

    private val store get() = DemoPhone.store
    private val grid = Relay.GRID

    private fun show(lang: Lang, route: String?, check: SkikoComposeUiTest.() -> Unit) = onPhone {
        DemoPhone.app(lang).use { app ->
            setContent { AppUnderTest(app, PhoneEffects(app), grid, route) }
            check()
        }
    }

    @Test
    fun aFontOnThisMachineDrawsChinese() {
        // Skia falls back to a system font for characters the default one lacks; with none
        // for Han, every Chinese character is drawn as an empty box (tofu).
        val typeface = FontMgr.default.matchFamilyStyleCharacter(null, FontStyle.NORMAL, arrayOf("zh-Hans-CN", "zh"), '网'.code)
        assertNotNull("no font on this machine has Chinese characters (tofu)", typeface)
    }

    @Test
    fun everyWordOfTheShellHasAnEnglishOne() {
        assertEquals(emptyList<String>(), ResourceWords.missingInEnglish())
    }

    @Test
    fun todayListsTheGridsWorkUnderTheSyncBar() {
        val agenda = store.agenda(grid)
        for (lang in Lang.entries) show(lang, null) {
            // The demo's office gave the grid tasks: they come first, due first.
            awaitText(word(lang, R.string.today_tasks))
            awaitText(word(lang, R.string.today_visits))
            onAllNodesWithText(word(lang, R.string.sync_now)).onFirst().assertIsEnabled()
            screenshot("today-${lang.tag}")
        }
        assertTrue("the demo grid has work due", agenda.visits.isNotEmpty())
        assertTrue("the demo's office gave the grid a task", agenda.tasks.isNotEmpty())
    }

    @Test
    fun householdListBrowsesByBuilding() {
        val heads = store.listHouseholds(grid, null).mapNotNull { it.headName }.toSet()
        for (lang in Lang.entries) show(lang, "households") {
            // The groups' words are the core's; the shell draws them and sends the tap back.
            val building = HouseholdsScreen(store, grid, lang).use { it.send(HouseholdsEvent.Load).view }.groups.first()
            awaitText(building.label)
            assertTrue("a household's head on the list", heads.any { shown(it) })
            onAllNodesWithText(word(lang, R.string.search_hint)).onFirst().assertExists()
            screenshot("households-${lang.tag}")
            onAllNodesWithText(building.label).onFirst().performClick()
            awaitText(word(lang, R.string.up))
            screenshot("households-building-${lang.tag}")
        }
    }

    @Test
    fun householdShowsItsMembersWithTheirIdNumbersMasked() {
        val household = store.listHouseholds(grid, null).maxBy { it.memberCount }
        val record = store.getHousehold(household.id)
        val withId = record.data.members.first { !it.idNumber.isNullOrEmpty() }
        for (lang in Lang.entries) show(lang, Routes.household(household.id)) {
            awaitText(withId.name, substring = true)
            for (m in record.data.members) {
                onNode(hasScrollAction()).performScrollToNode(hasText(m.name, substring = true))
                assertTrue("${m.name} listed", shown(m.name, substring = true))
            }
            onNode(hasScrollAction()).performScrollToIndex(0)
            assertFalse("a full ID number on screen", shown(withId.idNumber!!, substring = true))
            assertTrue("the ID number's last digits", shown(withId.idNumber!!.takeLast(4), substring = true))
            onAllNodesWithText(word(lang, R.string.start_visit)).onFirst().assertIsEnabled()
            screenshot("household-${lang.tag}")
        }
    }

    @Test
    fun caseShowsItsTimelineInOrder() {
        val case = store.listCases(grid, null).map { store.getCase(it.id) }.maxBy { it.data.timeline.size }
        assertTrue("a case with a history", case.data.timeline.size >= 3)
        for (lang in Lang.entries) show(lang, Routes.case(case.id)) {
            awaitText(case.data.description, substring = true)
            awaitText(word(lang, R.string.timeline))
            val who = case.data.timeline.map { it.by }.filter { it.isNotEmpty() }.toSet()
            for (by in who) assertTrue("the timeline names $by", shown(by, substring = true))
            screenshot("case-${lang.tag}")
        }
    }

    @Test
    fun casesListOpenCases() {
        // Open as the list means it (core's CaseState::is_open): a resolved case waits for its
        // check on site, not for work, and is listed only under its state's filter.
        val open = store.listCases(grid, null).filter { it.state.name !in setOf("RESOLVED", "VERIFIED", "CLOSED") }
        for (lang in Lang.entries) show(lang, "cases") {
            awaitText(word(lang, R.string.report_case))
            onAllNodesWithText(word(lang, R.string.report_case)).onFirst().assertIsEnabled()
            if (open.isNotEmpty()) waitUntil("a row per open case", 10_000) {
                onAllNodesWithText("·", substring = true).fetchSemanticsNodes().size >= minOf(open.size, 3)
            }
            screenshot("cases-${lang.tag}")
        }
    }

    @Test
    fun conflictShowsBothValuesAndWhoSetThem() {
        val record = store.listHouseholds(grid, null).map { it.id }.firstOrNull { store.conflicts(it).isNotEmpty() }
            ?: error("the demo left no conflict in ${Relay.GRID}")
        for (lang in Lang.entries) show(lang, Routes.conflicts(record)) {
            awaitText(word(lang, R.string.conflicts_title))
            awaitText(word(lang, R.string.conflict_shown))
            screenshot("conflicts-${lang.tag}")
        }
    }

    @Test
    fun householdFormOpensWithTheRecordsMembers() {
        val household = store.listHouseholds(grid, null).maxBy { it.memberCount }
        val members = store.getHousehold(household.id).data.members
        for (lang in Lang.entries) show(lang, Routes.editHousehold(household.id)) {
            awaitText(members.first().name)
            assertTrue(onAllNodesWithText(word(lang, R.string.member_name)).fetchSemanticsNodes().size >= members.size)
            screenshot("household-edit-${lang.tag}")
        }
    }

    @Test
    fun caseReportAndMediationOpenBlank() {
        for (lang in Lang.entries) {
            show(lang, Routes.NEW_CASE) {
                awaitText(word(lang, R.string.case_description))
                onAllNodesWithText(word(lang, R.string.save)).onFirst().assertIsEnabled()
                screenshot("case-report-${lang.tag}")
            }
            show(lang, Routes.mediation("new")) {
                awaitText(word(lang, R.string.parties))
                screenshot("mediation-${lang.tag}")
            }
        }
    }
}
