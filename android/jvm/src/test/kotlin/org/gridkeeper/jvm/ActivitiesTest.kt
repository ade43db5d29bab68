package org.gridkeeper.jvm

import androidx.compose.ui.semantics.SemanticsProperties
import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.performScrollTo
import androidx.compose.ui.test.performTextClearance
import androidx.compose.ui.test.performTextInput
import org.gridkeeper.ActivityEditScreen
import org.gridkeeper.ActivityListScreen
import org.gridkeeper.DraftListScreen
import org.gridkeeper.app.R
import org.gridkeeper.app.Routes
import org.gridkeeper.screens.ActivityEditEvent
import org.gridkeeper.screens.ActivityEditView
import org.gridkeeper.screens.ActivityListEvent
import org.gridkeeper.screens.DraftListEvent
import org.gridkeeper.screens.Lang
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertTrue
import org.junit.Rule
import org.junit.Test

/**
 * Activities (宣传 / 文体活动) on the phone, over the demo grid: one recorded from 今日工作
 * after a count that is no number is refused in words, seen in the list and opened; an
 * unfinished correction found among the unfinished forms and resumed.
 */
@OptIn(ExperimentalTestApi::class)
class ActivitiesTest {
    @get:Rule
    val main = ImmediateMain()

    private val store get() = DemoPhone.store
    private val grid = Relay.GRID
    private val zh = Lang.ZH

    private fun now() = System.currentTimeMillis() / 1000

    /** The form as the core draws it, for its labels (no draft is written by a load). */
    private fun form(lang: Lang, id: String? = null): ActivityEditView =
        ActivityEditScreen(store, grid, id, lang).use { it.send(ActivityEditEvent.Load(now())).view }

    private fun ActivityEditView.label(field: String) = inputs.single { it.field == field }.label

    @Test
    fun anActivityIsRecordedFromTodayAfterARefusalListedAndOpened() {
        // The demo street has activities of its own, some of this very topic: the new one is
        // the one not there before.
        val earlier = store.listActivities(grid, null).map { it.id }.toSet()
        val before = earlier.size
        val form = form(zh)
        onPhone { DemoPhone.app(zh).use { app ->
            setContent { AppUnderTest(app, PhoneEffects(app), grid, null) }
            awaitText(word(zh, R.string.activities))
            tap(word(zh, R.string.activities))
            awaitText(word(zh, R.string.new_activity))
            tap(word(zh, R.string.new_activity))
            awaitText(form.title)
            awaitOrTell("the form loaded") { field(form.label("topic")).fetchSemanticsNode().config.contains(SemanticsProperties.Disabled).not() }
            tap(form.activityTypes.single { it.key == "culture" }.label)
            field(form.label("topic")).performScrollTo().performTextInput("重阳节敬老文艺演出")
            field(form.label("venue")).performScrollTo().performTextInput("幸福里社区活动中心")
            field(form.label("participants")).performScrollTo().performTextInput("三十五")
            field(form.notesLabel).performScrollTo().performTextInput("合唱、戏曲表演，为80岁以上老人送慰问品")
            tap(word(zh, R.string.save))
            awaitOrTell("a message under the number attending", 10_000) { field(form.label("participants")).errorMessage() != null }
            assertEquals("参加人数：请填写整数，如 35", field(form.label("participants")).errorMessage())
            assertEquals("nothing saved while refused", before, store.listActivities(grid, null).size)
            screenshot("activity-form-error-zh")
            field(form.label("participants")).performScrollTo().performTextClearance()
            field(form.label("participants")).performTextInput("35")
            tap(word(zh, R.string.save))
            awaitOrTell("the activity saved", 10_000) { store.listActivities(grid, null).size == before + 1 }
            // Saved, it opens: what, where and how many.
            awaitText("35 人参加")
            awaitText("幸福里社区活动中心")
            screenshot("activity-recorded-zh")
        } }
        val saved = store.listActivities(grid, null).filter { it.id !in earlier }.single()
        assertEquals("重阳节敬老文艺演出", saved.topic)
        assertEquals(35u, saved.participants)
        assertEquals("幸福里社区活动中心", store.getActivity(saved.id).data.venue)

        for (lang in Lang.entries) onPhone { DemoPhone.app(lang).use { app ->
            val list = ActivityListScreen(store, grid, lang).use { it.send(ActivityListEvent.Load).view }
            val row = list.rows.single { it.id == saved.id }
            setContent { AppUnderTest(app, PhoneEffects(app), grid, Routes.ACTIVITIES) }
            awaitText(list.countText)
            awaitText(row.topic)
            screenshot("activities-${lang.tag}")
            assertTrue("type and date on the row", shown("${row.activityType} · ${row.heldOn}"))
            assertTrue("place and attendance on the row", shown(row.detail))
            val dates = list.rows.map { it.heldOn }
            assertEquals("the latest held first", dates.sortedDescending(), dates)
            tap(row.topic)
            awaitText(word(lang, R.string.edit))
            awaitText(row.activityType)
            assertTrue(shown(row.detail.substringAfter(" · ")))
            screenshot("activity-${lang.tag}")
        } }
    }

    @Test
    fun anUnfinishedCorrectionIsListedAmongUnfinishedFormsAndResumed() = onPhone {
        val id = store.createActivity(
            grid,
            org.gridkeeper.Activity(
                topic = "防范电信诈骗宣传",
                activityType = org.gridkeeper.ActivityType.POLICY_PUBLICITY,
                heldOn = "2026-11-20",
                venue = "社区广场",
                participants = 40u,
                notes = "",
                photos = emptyList(),
            ),
        )
        // The worker began correcting it and left the app.
        ActivityEditScreen(store, grid, id, zh).use {
            it.send(ActivityEditEvent.Load(now()))
            it.send(ActivityEditEvent.Text("notes", "发放宣传册200份"))
        }
        val drafts = DraftListScreen(store, zh).use { it.send(DraftListEvent.Load).view }
        val line = drafts.rows.single { it.key == "activity:$id" }
        assertEquals("活动记录", line.form)
        assertTrue(line.resumable)
        DemoPhone.app(zh).use { app ->
            setContent { AppUnderTest(app, PhoneEffects(app), grid, Routes.DRAFTS) }
            awaitText("防范电信诈骗宣传")
            awaitText(line.form)
            screenshot("drafts-activity-zh")
            tap("防范电信诈骗宣传")
            awaitText("发放宣传册200份")
            assertNotNull("the form's note says a draft was restored", form(zh, id).note)
            tap(word(zh, R.string.save))
            awaitOrTell("the correction saved", 10_000) { store.getActivity(id).data.notes == "发放宣传册200份" }
            // Saved, the form closes: back on the unfinished forms, this one no longer among them.
            awaitText(word(zh, R.string.drafts_title))
            awaitOrTell("the draft gone from the list", 10_000) { !shown(line.form) }
        }
        assertTrue(
            "the draft is gone once saved",
            DraftListScreen(store, zh).use { it.send(DraftListEvent.Load).view }.rows.none { it.key == "activity:$id" },
        )
    }
}
