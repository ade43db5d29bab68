package org.gridkeeper.jvm

import androidx.compose.ui.semantics.SemanticsActions
import androidx.compose.ui.semantics.SemanticsProperties
import androidx.compose.ui.text.TextLayoutResult
import androidx.compose.ui.semantics.getOrNull
import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.SkikoComposeUiTest
import androidx.compose.ui.test.isRoot
import org.gridkeeper.app.R
import org.gridkeeper.app.Routes
import org.gridkeeper.screens.Lang
import org.junit.Assert.assertEquals
import org.junit.Rule
import org.junit.Test

/**
 * Texts a worker could not read: running past the right edge, or squeezed into a
 * column a character or two wide (what a row of chips does to its last ones when it cannot
 * wrap: each is given what width is left).
 */
@OptIn(ExperimentalTestApi::class)
fun SkikoComposeUiTest.unreadable(): List<String> {
    val width = onNode(isRoot()).fetchSemanticsNode().boundsInRoot.right
    return onAllNodes(isRoot().not()).fetchSemanticsNodes().mapNotNull { node ->
        val text = node.config.getOrNull(SemanticsProperties.Text)?.joinToString { it.text }.orEmpty()
        if (text.isEmpty()) return@mapNotNull null
        val layouts = mutableListOf<TextLayoutResult>()
        node.config.getOrNull(SemanticsActions.GetTextLayoutResult)?.action?.invoke(layouts)
        val layout = layouts.firstOrNull()
        when {
            node.boundsInRoot.right > width + 1f -> "past the edge: $text"
            layout != null && text.length >= 4 && layout.lineCount * 2 > text.length -> "squeezed: $text"
            else -> null
        }
    }
}

/**
 * The largest font size Android offers (2×), which many older workers set: nothing with text
 * may run past the right edge of the screen — rows of chips wrap instead.
 */
@OptIn(ExperimentalTestApi::class)
class LargeTextTest {
    @get:Rule
    val main = ImmediateMain()

    private val store get() = DemoPhone.store
    private val grid = Relay.GRID
    private val largest = 2f

    private fun household() = store.listHouseholds(grid, null).maxBy { it.memberTags.size * 10 + it.memberCount.toInt() }

    @Test
    fun householdPageWrapsItsTags() = onPhone(largest) {
        DemoPhone.app(Lang.ZH).use { app ->
            setContent { AppUnderTest(app, PhoneEffects(app), grid, Routes.household(household().id)) }
            awaitText(word(Lang.ZH, R.string.members))
            assertEquals(emptyList<String>(), unreadable())
            screenshot("household-largest-font-zh")
        }
    }

    @Test
    fun householdFormWrapsItsChoices() = onPhone(largest) {
        DemoPhone.app(Lang.EN).use { app ->
            setContent { AppUnderTest(app, PhoneEffects(app), grid, Routes.editHousehold(household().id)) }
            awaitText(word(Lang.EN, R.string.member_name))
            assertEquals(emptyList<String>(), unreadable())
            screenshot("household-edit-largest-font-en")
        }
    }

    // Activities: the form's four types wrap, and its labels and messages are not cut.
    @Test
    fun activityFormWrapsItsTypes() = onPhone(largest) {
        DemoPhone.app(Lang.ZH).use { app ->
            setContent { AppUnderTest(app, PhoneEffects(app), grid, Routes.NEW_ACTIVITY) }
            awaitText(word(Lang.ZH, R.string.take_photo))
            assertEquals(emptyList<String>(), unreadable())
            screenshot("activity-form-largest-font-zh")
        }
    }
}
