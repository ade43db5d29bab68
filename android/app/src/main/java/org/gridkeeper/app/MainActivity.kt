package org.gridkeeper.app

import android.content.Intent
import android.os.Bundle
import androidx.activity.ComponentActivity
import androidx.activity.compose.setContent
import androidx.activity.enableEdgeToEdge
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.navigation.compose.rememberNavController
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.platform.LocalConfiguration
import androidx.compose.runtime.CompositionLocalProvider
import org.gridkeeper.app.glue.ComposeLocator
import org.gridkeeper.app.glue.ComposePhotoTaker
import org.gridkeeper.app.glue.ComposeSignatureTaker
import org.gridkeeper.screens.StoreProblem
import org.gridkeeper.screens.SyncReason
import org.gridkeeper.screens.storeProblemView
import org.gridkeeper.app.ui.*

class MainActivity : ComponentActivity() {
    /** A scanned enrolment QR code that opened the app (gridkeeper:enrol?…). */
    private var enrolLink by mutableStateOf<String?>(null)

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        enableEdgeToEdge()
        enrolLink = intent?.dataString
        val app = application as GridkeeperApp
        setContent { GridkeeperTheme { AppRoot(app, enrolLink) } }
    }

    /** Back in front of the worker: sync if the trigger says so (background sync may never
     *  run on phones that force-stop apps swiped from Recents). */
    override fun onResume() {
        super.onResume()
        (application as GridkeeperApp).syncIfDue(SyncReason.RESUME)
    }

    /** Out of sight: Android may now kill the process without another word. */
    override fun onStop() {
        super.onStop()
        (application as GridkeeperApp).flushDrafts()
    }

    /** After a sign-out: a fresh activity, so no screen keeps a model of the closed store. */
    fun restartAfterSignOut() {
        startActivity(Intent(this, MainActivity::class.java))
        finish()
    }

    /** Hands a rescue file to whatever the worker chooses (USB storage, a messenger to another
     *  phone); the file is readable only through this grant, and sealed for the relay anyway. */
    fun shareRescueFile(file: java.io.File) {
        val uri = androidx.core.content.FileProvider.getUriForFile(this, "$packageName.photos", file)
        val send = Intent(Intent.ACTION_SEND)
            .setType("application/octet-stream")
            .putExtra(Intent.EXTRA_STREAM, uri)
            .addFlags(Intent.FLAG_GRANT_READ_URI_PERMISSION)
        startActivity(Intent.createChooser(send, getString(R.string.write_rescue)))
    }

    override fun onNewIntent(intent: Intent) {
        super.onNewIntent(intent)
        enrolLink = intent.dataString
    }
}

@Composable
private fun AppRoot(app: GridkeeperApp, enrolLink: String?) {
    // The shell's own words from Android's resources, read again when the language changes.
    val context = LocalContext.current
    val configuration = LocalConfiguration.current
    val words = remember(configuration) {
        Words { id, args -> if (args.isEmpty()) context.getString(id) else context.getString(id, *args) }
    }
    CompositionLocalProvider(LocalWords provides words) { AppWithGlue(app, enrolLink) }
}

@Composable
private fun AppWithGlue(app: GridkeeperApp, enrolLink: String?) {
    // The store opens off the main thread (the first open creates the keystore key). When it
    // cannot, the app says why and what to do instead of crashing at start.
    var grid by remember { mutableStateOf<String?>(null) }
    var ready by remember { mutableStateOf(false) }
    var problem by remember { mutableStateOf<StoreProblem?>(null) }
    var attempt by remember { mutableStateOf(0) }
    LaunchedEffect(attempt) {
        problem = null
        try {
            grid = withContext(Dispatchers.IO) { app.grid() }
            ready = true
        } catch (e: Exception) {
            problem = app.problemOf(e)
        }
    }
    val nav = rememberNavController()
    val context = LocalContext.current
    val activity = context as MainActivity
    val photos = remember { ComposePhotoTaker() }
    val locator = remember { ComposeLocator(context.applicationContext) }
    val signatures = remember { ComposeSignatureTaker(context.cacheDir) }
    val performer = remember {
        EffectPerformer(
            nav = object : Navigator {
                override fun open(route: String) = nav.navigate(route)
                override fun close() { nav.popBackStack() }
            },
            photos = photos,
            location = locator,
            signatures = signatures,
            background = object : Background {
                override fun startSync() = app.startSync()
                override fun cancelSync() = app.cancelSync()
                override fun enrolled(grids: List<String>) { grid = grids.firstOrNull() }
                override fun signOut() = app.signOut()
                override fun signedOut(removed: Boolean) {
                    app.signedOut()
                    activity.restartAfterSignOut()
                }
                override fun shareRescue(path: String) = activity.shareRescueFile(java.io.File(path))
            },
        )
    }
    // What the effects show over any screen: the photo chooser, the permission prompt, the pad.
    photos.Chooser()
    locator.PermissionAsker()
    signatures.Dialog()
    problem?.let { p ->
        StoreProblemScreen(
            storeProblemView(p, app.lang),
            onRetry = { attempt++ },
            onStartOver = { app.startOver(); attempt++ },
        )
        return
    }
    if (!ready) {
        Box(Modifier.fillMaxSize(), contentAlignment = Alignment.Center) { Text(word(R.string.loading)) }
        return
    }
    AppContent(app, grid, enrolLink, nav, performer)
}
