package org.gridkeeper.jvm

import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.performScrollTo
import androidx.compose.ui.test.performTextInput
import org.gridkeeper.DiaryScreen
import org.gridkeeper.app.R
import org.gridkeeper.app.Routes
import org.gridkeeper.screens.DiaryEvent
import org.gridkeeper.screens.DiaryView
import org.gridkeeper.screens.Lang
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Rule
import org.junit.Test

/**
 * The worker's 民情日志 over the demo grid: opened from 今日工作, written from the day's
 * records as the core writes it, a result added by hand and submitted; a fresh look at the
 * day finds it submitted with those words.
 */
@OptIn(ExperimentalTestApi::class)
class DiaryTest {
    @get:Rule
    val main = ImmediateMain()

    private val store get() = DemoPhone.store
    private val grid = Relay.GRID
    private val zh = Lang.ZH

    private fun now() = System.currentTimeMillis() / 1000

    /** Today's entry as the core draws it (a load writes nothing). */
    private fun today(lang: Lang): DiaryView =
        DiaryScreen(store, grid, lang).use { it.send(DiaryEvent.Load(now())).view }

    @Test
    fun theDayIsWrittenFromTheRecordsCorrectedAndSubmitted() {
        val before = today(zh)
        onPhone { DemoPhone.app(zh).use { app ->
            setContent { AppUnderTest(app, PhoneEffects(app), grid, null) }
            awaitText(word(zh, R.string.diary))
            tap(word(zh, R.string.diary))
            awaitText(before.title)
            awaitText(before.status)
            if (before.visited.isNotEmpty()) assertTrue("the day's visits, as written", shown(before.visited))
            screenshot("diary-written-zh")
            field(before.resultsLabel).performScrollTo().performTextInput("已预约周五复诊")
            awaitText("有未提交的修改")
            tap(before.submitLabel)
            awaitOrTell("submitted", 10_000) { today(zh).submitted }
            awaitText(today(zh).status)
            screenshot("diary-submitted-zh")
        } }
        val after = today(zh)
        assertTrue(after.status.startsWith("已于 "))
        assertTrue(after.results.endsWith("已预约周五复诊"))
        assertEquals("重新提交", after.submitLabel)

        onPhone { DemoPhone.app(Lang.EN).use { app ->
            val en = today(Lang.EN)
            setContent { AppUnderTest(app, PhoneEffects(app), grid, Routes.DIARY) }
            awaitText(en.title)
            awaitText(en.measuresLabel)
            screenshot("diary-en")
        } }
    }
}
