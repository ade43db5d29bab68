package org.gridkeeper.app

import android.content.Intent
import android.os.Bundle
import androidx.activity.ComponentActivity
import androidx.activity.compose.setContent
import androidx.activity.enableEdgeToEdge
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.padding
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.Checklist
import androidx.compose.material.icons.filled.Forum
import androidx.compose.material.icons.filled.Home
import androidx.compose.material.icons.filled.ReportProblem
import androidx.compose.material.icons.filled.Today
import androidx.compose.material3.Icon
import androidx.compose.material3.NavigationBar
import androidx.compose.material3.NavigationBarItem
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.navigation.NavHostController
import androidx.navigation.NavType
import androidx.navigation.navArgument
import androidx.navigation.compose.NavHost
import androidx.navigation.compose.composable
import androidx.navigation.compose.currentBackStackEntryAsState
import androidx.navigation.compose.rememberNavController
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import androidx.compose.ui.platform.LocalContext
import org.gridkeeper.app.glue.ComposeLocator
import org.gridkeeper.app.glue.ComposePhotoTaker
import org.gridkeeper.app.glue.ComposeSignatureTaker
import org.gridkeeper.screens.SyncReason
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

private data class Tab(val route: String, val label: Int, val icon: androidx.compose.ui.graphics.vector.ImageVector)

private val tabs = listOf(
    Tab("today", R.string.nav_today, Icons.Filled.Today),
    Tab("households", R.string.nav_households, Icons.Filled.Home),
    Tab("inspection", R.string.nav_inspection, Icons.Filled.Checklist),
    Tab("cases", R.string.nav_cases, Icons.Filled.ReportProblem),
    Tab("mediation/new", R.string.nav_mediation, Icons.Filled.Forum),
)

@Composable
private fun AppRoot(app: GridkeeperApp, enrolLink: String?) {
    // The store opens off the main thread (the first open creates the keystore key).
    var grid by remember { mutableStateOf<String?>(null) }
    var ready by remember { mutableStateOf(false) }
    LaunchedEffect(Unit) {
        grid = withContext(Dispatchers.IO) { app.grid() }
        ready = true
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
    if (!ready) {
        Box(Modifier.fillMaxSize(), contentAlignment = Alignment.Center) { Text(stringResource(R.string.loading)) }
        return
    }
    val enrolled = grid
    if (enrolled == null) {
        EnrolScreen(app, enrolLink, performer)
        return
    }
    val current by nav.currentBackStackEntryAsState()
    Scaffold(
        topBar = { SyncBar(app, performer) },
        bottomBar = {
            NavigationBar {
                tabs.forEach { tab ->
                    val label = stringResource(tab.label)
                    NavigationBarItem(
                        selected = current?.destination?.route?.startsWith(tab.route.substringBefore('/')) == true,
                        onClick = { nav.navigate(tab.route) { launchSingleTop = true; popUpTo("today") } },
                        icon = { Icon(tab.icon, contentDescription = null) },
                        label = { Text(label) },
                    )
                }
            }
        },
    ) { padding ->
        Column(Modifier.padding(padding)) {
            AppNav(app, enrolled, nav, performer)
        }
    }
}

/** Routes are Routes' (EffectPerformer.kt), where the core's effects are turned into them. */
@Composable
private fun AppNav(app: GridkeeperApp, grid: String, nav: NavHostController, performer: EffectPerformer) {
    val optional = { name: String -> navArgument(name) { type = NavType.StringType; nullable = true; defaultValue = null } }
    NavHost(nav, startDestination = "today") {
        composable("today") { TodayScreen(app, grid, performer) }
        composable("households") { HouseholdsScreen(app, grid, performer) }
        composable("household/{id}") { entry ->
            HouseholdDetailScreen(app, entry.arguments?.getString("id") ?: return@composable, performer)
        }
        composable("household/{id}/edit") { entry ->
            HouseholdEditScreen(app, grid, entry.arguments?.getString("id")?.takeIf { it != "new" }, performer)
        }
        composable("visit/{hid}?member={member}", arguments = listOf(optional("member"))) { entry ->
            val hid = entry.arguments?.getString("hid") ?: return@composable
            VisitScreen(app, hid, entry.arguments?.getString("member"), performer)
        }
        composable("inspection?place={place}", arguments = listOf(optional("place"))) { entry ->
            InspectionScreen(app, grid, entry.arguments?.getString("place"), performer)
        }
        composable("cases") { CasesScreen(app, grid, performer) }
        composable(Routes.NEW_CASE) { CaseReportScreen(app, grid, performer) }
        composable("case/{id}") { entry ->
            CaseDetailScreen(app, entry.arguments?.getString("id") ?: return@composable, performer)
        }
        composable("mediation/{id}") { entry ->
            MediationScreen(app, grid, entry.arguments?.getString("id")?.takeIf { it != "new" }, performer)
        }
        composable("conflicts/{id}") { entry ->
            ConflictsScreen(app, entry.arguments?.getString("id") ?: return@composable, performer)
        }
    }
}
