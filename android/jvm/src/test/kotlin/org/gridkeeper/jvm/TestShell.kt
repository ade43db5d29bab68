package org.gridkeeper.jvm

import androidx.compose.runtime.Composable
import androidx.compose.runtime.CompositionLocalProvider
import androidx.compose.runtime.DisposableEffect
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.geometry.Size
import androidx.compose.ui.graphics.asSkiaBitmap
import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.SkikoComposeUiTest
import androidx.compose.ui.test.runSkikoComposeUiTest
import androidx.compose.ui.unit.Density
import androidx.lifecycle.ViewModelStore
import androidx.lifecycle.ViewModelStoreOwner
import androidx.lifecycle.viewmodel.compose.LocalViewModelStoreOwner
import androidx.navigation.NavHostController
import androidx.navigation.compose.rememberNavController
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.launch
import org.gridkeeper.app.Background
import org.gridkeeper.app.EffectPerformer
import org.gridkeeper.app.Fix
import org.gridkeeper.app.Navigator
import org.gridkeeper.app.ui.AppContent
import org.gridkeeper.app.ui.GridkeeperTheme
import org.gridkeeper.app.ui.LocalWords
import org.gridkeeper.screens.Lang
import org.jetbrains.skia.Color
import org.jetbrains.skia.EncodedImageFormat
import org.jetbrains.skia.Image
import org.jetbrains.skia.Paint
import org.jetbrains.skia.Surface
import java.io.File
import java.util.Collections

/** Where screenshots go: GK_SCREENSHOTS, else target/screenshots/android under the cwd. */
val screenshotDir: File = File(System.getenv("GK_SCREENSHOTS") ?: "target/screenshots/android")

/** A phone screen: 360×800 dp, drawn at 2 px per dp. */
const val PHONE_WIDTH_DP = 360
const val PHONE_HEIGHT_DP = 800
const val PX_PER_DP = 2f

/** Runs [block] against a headless scene the size of a phone's screen, text scaled by
 *  [fontScale] as the phone's font-size setting does (2.0 is Android's largest). */
@OptIn(ExperimentalTestApi::class)
fun onPhone(fontScale: Float = 1f, block: SkikoComposeUiTest.() -> Unit) = runSkikoComposeUiTest(
    size = Size(PHONE_WIDTH_DP * PX_PER_DP, PHONE_HEIGHT_DP * PX_PER_DP),
    density = Density(PX_PER_DP, fontScale),
) { block() }

/** Writes the whole screen as it is now to target/screenshots/android/[name].png. */
@OptIn(ExperimentalTestApi::class)
fun SkikoComposeUiTest.screenshot(name: String): File {
    waitForIdle()
    val png = Image.makeFromBitmap(captureToImage().asSkiaBitmap()).encodeToData(EncodedImageFormat.PNG)
        ?: error("PNG encoding failed")
    screenshotDir.mkdirs()
    return File(screenshotDir, "$name.png").also { it.writeBytes(png.bytes) }
}

/**
 * What the activity gives the screens on the phone, for the JVM: the worker's words, the theme,
 * and a ViewModel store of the screen's own, cleared when the screen goes (closing its models).
 */
@Composable
fun OnPhoneShell(lang: Lang, content: @Composable () -> Unit) {
    val owner = remember { object : ViewModelStoreOwner { override val viewModelStore = ViewModelStore() } }
    DisposableEffect(owner) { onDispose { owner.viewModelStore.clear() } }
    CompositionLocalProvider(LocalWords provides ResourceWords(lang), LocalViewModelStoreOwner provides owner) {
        GridkeeperTheme(content)
    }
}

/**
 * The phone's answers to the core's effects, for tests: a real JPEG for the camera, a fixed
 * fix for the location, a drawn PNG for a signature, syncs run on the app's sync line. What
 * was asked is kept, so a test can check the effect reached the shell.
 */
class PhoneEffects(private val app: TestApp) {
    val asked: MutableList<String> = Collections.synchronizedList(mutableListOf())
    var grids by mutableStateOf<List<String>?>(null)
    private val work = CoroutineScope(SupervisorJob() + Dispatchers.IO)

    fun performer(nav: NavHostController) = EffectPerformer(
        nav = object : Navigator {
            override fun open(route: String) { asked += "open $route"; nav.navigate(route) }
            override fun close() { asked += "close"; nav.popBackStack() }
        },
        photos = { asked += "photo"; picture(1200, 900) },
        location = { asked += "location"; Fix(30.2741, 120.1551, 8.0) },
        signatures = { party -> asked += "signature"; picture(600, 240) },
        background = object : Background {
            override fun startSync() { asked += "sync"; work.launch { app.sync.run() } }
            override fun cancelSync() { app.sync.cancel() }
            override fun enrolled(grids: List<String>) { asked += "enrolled"; this@PhoneEffects.grids = grids }
            override fun signOut() { asked += "sign out" }
            override fun signedOut(removed: Boolean) { asked += "signed out" }
            override fun shareRescue(path: String) { asked += "share $path" }
        },
    )
}

/** An image file as a camera or the signature pad would leave one: a real JPEG. */
fun picture(width: Int, height: Int): File {
    val surface = Surface.makeRasterN32Premul(width, height)
    surface.canvas.clear(Color.WHITE)
    surface.canvas.drawCircle(width / 2f, height / 2f, height / 3f, Paint().apply { color = Color.makeRGB(30, 90, 160) })
    val bytes = surface.makeImageSnapshot().encodeToData(EncodedImageFormat.JPEG, 85) ?: error("JPEG encoding failed")
    return File.createTempFile("gk-photo", ".jpg").also { it.writeBytes(bytes.bytes) }
}

/**
 * The app as MainActivity composes it (the sync bar, the tabs, the screens), over [app], opened
 * at [route] (the core's own routes, as its effects name them).
 */
@Composable
fun AppUnderTest(app: TestApp, effects: PhoneEffects, grid: String?, route: String? = null) {
    val nav = rememberNavController()
    val performer = remember(nav) { effects.performer(nav) }
    // After the NavHost has set its graph (it composes inside the Scaffold, after this effect).
    LaunchedEffect(route) { if (route != null) { nav.currentBackStackEntryFlow.first(); nav.navigate(route) } }
    OnPhoneShell(app.lang) {
        AppContent(app, effects.grids?.firstOrNull() ?: grid, null, nav, performer)
    }
}
