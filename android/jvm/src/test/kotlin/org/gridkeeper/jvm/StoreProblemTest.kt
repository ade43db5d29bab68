package org.gridkeeper.jvm

import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.assertIsEnabled
import androidx.compose.ui.test.onNodeWithText
import androidx.compose.ui.test.performClick
import org.gridkeeper.app.ui.StoreProblemScreen
import org.gridkeeper.screens.Lang
import org.gridkeeper.screens.StoreProblem
import org.gridkeeper.screens.storeProblemView
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Rule
import org.junit.Test

/** What the worker sees instead of a crash when the store cannot be opened at all. */
@OptIn(ExperimentalTestApi::class)
class StoreProblemTest {
    @get:Rule
    val main = ImmediateMain()

    @Test
    fun aLostKeySaysWhatToDoAndOffersAFreshStart() {
        for (lang in Lang.entries) onPhone {
            val view = storeProblemView(StoreProblem.KEY_LOST, lang)
            val pressed = mutableListOf<String>()
            setContent {
                OnPhoneShell(lang) { StoreProblemScreen(view, onRetry = { pressed += "retry" }, onStartOver = { pressed += "start over" }) }
            }
            awaitText(view.title)
            for (step in view.steps) assertTrue(step, shown(step, substring = true))
            screenshot("store-key-lost-${lang.tag}")
            onNodeWithText(view.retry).assertIsEnabled().performClick()
            onNodeWithText(view.startOver!!).assertIsEnabled().performClick()
            assertEquals(listOf("retry", "start over"), pressed)
        }
    }

    @Test
    fun aFullPhoneOffersOnlyTryingAgain() = onPhone {
        val view = storeProblemView(StoreProblem.STORAGE_FULL, Lang.ZH)
        setContent { OnPhoneShell(Lang.ZH) { StoreProblemScreen(view, onRetry = {}, onStartOver = {}) } }
        awaitText(view.title)
        onNodeWithText(view.retry).assertIsEnabled()
        assertTrue("no fresh start when freeing space helps", !shown(storeProblemView(StoreProblem.KEY_LOST, Lang.ZH).startOver!!))
        screenshot("store-full-zh")
    }
}
