package org.gridkeeper.app.ui

import androidx.compose.foundation.layout.Column
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
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.vector.ImageVector
import androidx.navigation.NavBackStackEntry
import androidx.navigation.NavHostController
import androidx.navigation.NavType
import androidx.navigation.compose.NavHost
import androidx.navigation.compose.composable
import androidx.navigation.compose.currentBackStackEntryAsState
import androidx.navigation.navArgument
import androidx.savedstate.read
import org.gridkeeper.app.AppServices
import org.gridkeeper.app.EffectPerformer
import org.gridkeeper.app.R
import org.gridkeeper.app.Routes
import org.gridkeeper.screens.CaseReportSubjectKind
import org.gridkeeper.screens.VisitFormSubject

/** [route] is what the tab lights up for (a route's first part); [target] where a tap goes. */
private class Tab(val route: String, val label: Int, val icon: ImageVector, val target: String = route)

private val tabs = listOf(
    Tab("today", R.string.nav_today, Icons.Filled.Today),
    Tab("households", R.string.nav_households, Icons.Filled.Home),
    Tab("inspection", R.string.nav_inspection, Icons.Filled.Checklist),
    Tab("cases", R.string.nav_cases, Icons.Filled.ReportProblem),
    Tab("mediation", R.string.nav_mediation, Icons.Filled.Forum, target = Routes.MEDIATIONS),
)

/**
 * The app once the store is open: enrolment until the phone has a grid, then the sync bar, the
 * tabs and the screens. Everything Android-only (the activity, the photo chooser, permission
 * prompts) stays outside, behind [performer].
 */
@Composable
fun AppContent(app: AppServices, grid: String?, enrolLink: String?, nav: NavHostController, performer: EffectPerformer) {
    if (grid == null) {
        EnrolScreen(app, enrolLink, performer)
        return
    }
    val current by nav.currentBackStackEntryAsState()
    Scaffold(
        topBar = { SyncBar(app, performer) },
        bottomBar = {
            NavigationBar {
                tabs.forEach { tab ->
                    val label = word(tab.label)
                    NavigationBarItem(
                        selected = current?.destination?.route?.startsWith(tab.route.substringBefore('/')) == true,
                        onClick = { nav.navigate(tab.target) { launchSingleTop = true; popUpTo("today") } },
                        icon = { Icon(tab.icon, contentDescription = null) },
                        label = { Text(label, maxLines = 1) },
                    )
                }
            }
        },
    ) { padding ->
        Column(Modifier.padding(padding)) {
            AppNav(app, grid, nav, performer)
        }
    }
}

/** A route's argument; `SavedState` is Android's Bundle on the phone, its own type on the JVM. */
private fun NavBackStackEntry.arg(name: String): String? = arguments?.read { getStringOrNull(name) }

/** Routes are Routes' (EffectPerformer.kt), where the core's effects are turned into them. */
@Composable
private fun AppNav(app: AppServices, grid: String, nav: NavHostController, performer: EffectPerformer) {
    val optional = { name: String -> navArgument(name) { type = NavType.StringType; nullable = true; defaultValue = null } }
    NavHost(nav, startDestination = "today") {
        composable("today") { TodayScreen(app, grid, performer) }
        composable("households") { HouseholdsScreen(app, grid, performer) }
        composable("household/{id}") { entry ->
            HouseholdDetailScreen(app, entry.arg("id") ?: return@composable, performer)
        }
        composable("household/{id}/edit") { entry ->
            HouseholdEditScreen(app, grid, entry.arg("id")?.takeIf { it != "new" }, performer)
        }
        composable("visit/{hid}?member={member}", arguments = listOf(optional("member"))) { entry ->
            VisitScreen(app, entry.arg("hid") ?: return@composable, entry.arg("member"), performer)
        }
        composable("placevisit/{pid}") { entry ->
            VisitScreen(app, entry.arg("pid") ?: return@composable, null, performer, VisitFormSubject.PLACE)
        }
        composable(Routes.PLACES) { PlacesScreen(app, grid, performer) }
        composable("place/{id}") { entry ->
            PlaceDetailScreen(app, entry.arg("id") ?: return@composable, performer)
        }
        composable("place/{id}/edit") { entry ->
            PlaceEditScreen(app, grid, entry.arg("id")?.takeIf { it != "new" }, performer)
        }
        composable(Routes.MEDIATIONS) { MediationsScreen(app, grid, performer) }
        composable(Routes.DRAFTS) { DraftsScreen(app, performer) }
        composable(Routes.SEARCH) { SearchScreen(app, grid, performer) }
        composable("inspection?place={place}", arguments = listOf(optional("place"))) { entry ->
            InspectionScreen(app, grid, entry.arg("place"), performer)
        }
        composable("cases") { CasesScreen(app, grid, performer) }
        composable(Routes.NEW_CASE + "?about={about}&subject={subject}", arguments = listOf(optional("about"), optional("subject"))) { entry ->
            val about = when (entry.arg("about")) {
                "household" -> CaseReportSubjectKind.HOUSEHOLD
                "place" -> CaseReportSubjectKind.PLACE
                else -> null
            }
            CaseReportScreen(app, grid, performer, about, entry.arg("subject")?.takeIf { about != null })
        }
        composable("case/{id}") { entry ->
            CaseDetailScreen(app, entry.arg("id") ?: return@composable, performer)
        }
        composable("mediation/{id}") { entry ->
            MediationScreen(app, grid, entry.arg("id")?.takeIf { it != "new" }, performer)
        }
        composable(Routes.CONFLICT_LIST) { ConflictListScreen(app, grid, performer) }
        composable("conflicts/{id}") { entry ->
            ConflictsScreen(app, entry.arg("id") ?: return@composable, performer)
        }
        // Activities (宣传 / 文体活动), reached from 今日工作.
        composable(Routes.ACTIVITIES) { ActivitiesScreen(app, grid, performer) }
        // The worker's 民情日志, reached from 今日工作.
        composable(Routes.DIARY) { DiaryPage(app, grid, performer) }
        composable("activity/{id}") { entry ->
            ActivityDetailScreen(app, entry.arg("id") ?: return@composable, performer)
        }
        composable("activity/{id}/edit") { entry ->
            ActivityEditScreen(app, grid, entry.arg("id")?.takeIf { it != "new" }, performer)
        }
    }
}
