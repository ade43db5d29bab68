package org.gridkeeper.jvm

import androidx.compose.ui.ImageComposeScene
import androidx.compose.ui.semantics.SemanticsProperties
import androidx.compose.ui.test.SemanticsMatcher
import androidx.compose.ui.test.assert
import androidx.compose.ui.test.assertIsDisplayed
import androidx.compose.ui.test.assertIsEnabled
import androidx.compose.ui.test.assertIsNotEnabled
import androidx.compose.ui.test.junit4.v2.createComposeRule
import androidx.compose.ui.test.onNodeWithTag
import androidx.compose.ui.test.onNodeWithText
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performTextClearance
import androidx.compose.ui.test.performTextInput
import androidx.compose.ui.unit.Density
import org.jetbrains.skia.EncodedImageFormat
import org.jetbrains.skia.FontMgr
import org.jetbrains.skia.FontStyle
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNotNull
import org.junit.Rule
import org.junit.Test
import java.io.File

/** Where screenshots go: GK_SCREENSHOTS, else target/screenshots/android under the cwd. */
val screenshotDir: File = File(System.getenv("GK_SCREENSHOTS") ?: "target/screenshots/android")

/**
 * Renders [content] off screen as a phone of [widthDp]×[heightDp] dp at [density] would and
 * writes it to screenshotDir/[name].png.
 */
fun screenshot(
    name: String,
    widthDp: Int = 360,
    heightDp: Int = 800,
    density: Float = 3f,
    content: @androidx.compose.runtime.Composable () -> Unit,
): File {
    val scene = ImageComposeScene(
        width = (widthDp * density).toInt(),
        height = (heightDp * density).toInt(),
        density = Density(density),
        content = content,
    )
    try {
        scene.render(0) // first frame: composition and layout
        val image = scene.render(1_000_000_000L) // a second later: animations settled
        val png = image.encodeToData(EncodedImageFormat.PNG) ?: error("PNG encoding failed")
        screenshotDir.mkdirs()
        return File(screenshotDir, "$name.png").also { it.writeBytes(png.bytes) }
    } finally {
        scene.close()
    }
}

class ProbeTest {
    @get:Rule(order = 0)
    val main = OnMainThread()

    @get:Rule(order = 1)
    val rule = createComposeRule()

    @Test
    fun aFontOnThisMachineDrawsChinese() {
        // Skia falls back to a system font for characters the default one lacks; with none
        // for Han, every Chinese character is drawn as an empty box (tofu).
        val typeface = FontMgr.default.matchFamilyStyleCharacter(
            null, FontStyle.NORMAL, arrayOf("zh-Hans-CN", "zh"), '网'.code,
        )
        assertNotNull("no font on this machine has Chinese characters (tofu)", typeface)
        println("Chinese text drawn with: ${typeface!!.familyName}")
    }

    @Test
    fun showsTheListTheErrorAndADisabledButton() {
        rule.setContent { ProbeScreen(initialPhone = "138001") }
        rule.onNodeWithText("走访登记").assertIsDisplayed()
        rule.onNodeWithText("幸福小区 3栋 2单元 401").assertIsDisplayed()
        rule.onNodeWithText("户主 张建国 · 4 人").assertIsDisplayed()
        rule.onNodeWithText("请输入11位手机号码").assertIsDisplayed()
        rule.onNodeWithTag("phone")
            .assert(SemanticsMatcher.expectValue(SemanticsProperties.Error, "请输入11位手机号码"))
        rule.onNodeWithTag("save").assertIsNotEnabled()
    }

    @Test
    fun typingAValidNumberEnablesSaveAndClickingSaves() {
        val saved = mutableListOf<String>()
        rule.setContent { ProbeScreen(initialPhone = "138001", onSave = { saved += it }) }
        rule.onNodeWithTag("phone").performTextClearance()
        rule.onNodeWithTag("phone").performTextInput("13800138000")
        rule.onNodeWithText("请输入11位手机号码").assertDoesNotExist()
        rule.onNodeWithTag("save").assertIsEnabled().performClick()
        rule.onNodeWithText("已保存：13800138000").assertIsDisplayed()
        assertEquals(listOf("13800138000"), saved)
    }

    @Test
    fun screenshots() {
        val error = screenshot("probe-error") { ProbeScreen(initialPhone = "138001") }
        val valid = screenshot("probe-valid", density = 2f) { ProbeScreen(initialPhone = "13800138000") }
        for (f in listOf(error, valid)) {
            assert(f.length() > 10_000) { "$f is too small to be a screen" }
            println("screenshot: $f")
        }
    }
}
