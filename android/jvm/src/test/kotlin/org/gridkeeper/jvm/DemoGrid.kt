package org.gridkeeper.jvm

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.runBlocking
import org.gridkeeper.CancelToken
import org.gridkeeper.GridStore
import org.gridkeeper.SyncProgress
import org.gridkeeper.SyncProgressInfo
import org.gridkeeper.app.AppServices
import org.gridkeeper.app.Thumbnails
import androidx.compose.ui.graphics.toComposeImageBitmap
import org.gridkeeper.app.shared.Screens
import org.gridkeeper.app.shared.SyncModel
import org.gridkeeper.screens.Lang
import java.io.File
import java.nio.file.Files
import java.security.SecureRandom

/**
 * The relay scripts/test-android-screens started with `--demo`: a street of grids filled by
 * simulated phones over months of fieldwork, with concurrent edits, failed inspections and
 * cases with their timelines. The tests' phones enrol with it and sync, as a worker's would.
 */
object Relay {
    val url: String = env("GK_RELAY_URL")
    private val bin = env("GK_SERVER_BIN")
    private val data = env("GK_RELAY_DATA")

    /** The demo's first grid (幸福社区 第一网格) and its worker. */
    const val GRID = "xf-1-01"
    const val WORKER = "王芳"

    fun admin(vararg args: String): String {
        val p = ProcessBuilder(listOf(bin, "--data", data, "admin") + args).start()
        val out = p.inputStream.bufferedReader().readText().trim()
        check(p.waitFor() == 0) { "admin ${args.first()} failed: ${p.errorStream.bufferedReader().readText().trim()}" }
        return out
    }

    /** A one-time code that enrols one more phone of the grid's worker. */
    fun enrolCode(): String = admin("enroll-code", WORKER).lines().last().trim()

    private fun env(name: String) = System.getenv(name) ?: error("$name not set: run scripts/test-android-screens")
}

fun tempDir(name: String): File = Files.createTempDirectory("gk-screens-$name").toFile()

fun newKey(): ByteArray = ByteArray(32).also { SecureRandom().nextBytes(it) }

/** A phone's encrypted store in a fresh folder, as StoreOpener opens one (without a Keystore). */
fun openPhoneStore(name: String): GridStore {
    val dir = tempDir(name)
    return GridStore.open(File(dir, "store.db").path, newKey(), File(dir, "cache").path)
}

/**
 * What the screens take from the app, over [store] in [lang]: the same `Screens` and sync line
 * GridkeeperApp builds on the phone.
 */
class TestApp(val store: GridStore, val lang: Lang) : AppServices, AutoCloseable {
    override val screens = Screens(store, lang, Dispatchers.IO)
    override val sync: SyncModel by lazy { screens.sync() }
    override val rescueDir: File = tempDir("rescue")

    /** The size of every thumbnail drawn, so a test sees photos were decoded small. */
    val decoded: MutableList<Pair<Int, Int>> = java.util.Collections.synchronizedList(mutableListOf())

    override val thumbnails = Thumbnails { bytes, maxEdge ->
        skiaThumbnail(bytes, maxEdge)?.also { decoded += it.width to it.height }
    }

    fun syncNow() = runBlocking { sync.run() }

    override fun close() = sync.close()
}

/**
 * One worker's phone, enrolled with the demo relay and synced once per test run: every screen
 * test draws from this store. Later tests see what earlier ones saved, as on a phone.
 */
object DemoPhone {
    val store: GridStore by lazy {
        openPhoneStore("demo").also { store ->
            val enrolment = store.enroll(Relay.url, Relay.enrolCode())
            check(Relay.GRID in enrolment.grids) { "enrolled for ${enrolment.grids}, not ${Relay.GRID}" }
            CancelToken().use { token ->
                store.sync(object : SyncProgress {
                    override fun onProgress(progress: SyncProgressInfo) = Unit
                }, token)
            }
        }
    }

    fun app(lang: Lang) = TestApp(store, lang)
}

/**
 * The JVM's stand-in for BitmapFactory: skia decodes the real bytes, then the image is drawn
 * at most [maxEdge] on its longer edge. Null for bytes that are no image, as on the phone.
 */
fun skiaThumbnail(bytes: ByteArray, maxEdge: Int): androidx.compose.ui.graphics.ImageBitmap? {
    val image = try {
        org.jetbrains.skia.Image.makeFromEncoded(bytes)
    } catch (e: IllegalArgumentException) {
        return null
    }
    val scale = minOf(1f, maxEdge.toFloat() / maxOf(image.width, image.height))
    val w = maxOf(1, (image.width * scale).toInt())
    val h = maxOf(1, (image.height * scale).toInt())
    val surface = org.jetbrains.skia.Surface.makeRasterN32Premul(w, h)
    surface.canvas.drawImageRect(image, org.jetbrains.skia.Rect.makeWH(w.toFloat(), h.toFloat()))
    return surface.makeImageSnapshot().toComposeImageBitmap()
}
