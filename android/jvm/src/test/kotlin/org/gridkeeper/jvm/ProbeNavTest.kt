package org.gridkeeper.jvm

import androidx.compose.foundation.layout.Column
import androidx.compose.material3.Button
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.test.assertIsDisplayed
import androidx.compose.ui.test.junit4.v2.createComposeRule
import androidx.compose.ui.test.onNodeWithTag
import androidx.compose.ui.test.onNodeWithText
import androidx.compose.ui.test.performClick
import androidx.lifecycle.Lifecycle
import androidx.lifecycle.ViewModel
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import androidx.lifecycle.viewModelScope
import androidx.lifecycle.viewmodel.compose.viewModel
import androidx.lifecycle.viewmodel.initializer
import androidx.lifecycle.viewmodel.viewModelFactory
import androidx.navigation.NavHostController
import androidx.navigation.compose.NavHost
import androidx.navigation.compose.composable
import androidx.navigation.compose.rememberNavController
import androidx.savedstate.read
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.launch
import org.junit.Assert.assertEquals
import org.junit.Rule
import org.junit.Test

/** A state holder as the app keeps one per screen, behind an androidx ViewModel. */
class CounterVm(start: Int) : ViewModel() {
    private val _visits = MutableStateFlow(start)
    val visits: StateFlow<Int> = _visits
    fun visit() = viewModelScope.launch { _visits.value += 1 }
}

@Composable
fun CounterScreen(onOpen: (Int) -> Unit) {
    // The app's pattern (ui/Common.kt): viewModel with a factory, state collected with the lifecycle.
    val vm: CounterVm = viewModel(key = "counter", factory = viewModelFactory { initializer { CounterVm(2) } })
    val visits by vm.visits.collectAsStateWithLifecycle()
    Column {
        Text("今日走访 $visits 户")
        Button(onClick = { vm.visit() }, modifier = Modifier.testTag("visit")) { Text("登记走访") }
        Button(onClick = { onOpen(visits) }, modifier = Modifier.testTag("open")) { Text("查看详情") }
    }
}

/** ViewModel, collectAsStateWithLifecycle and NavHost, as MainActivity and ui/Common.kt use them. */
class ProbeNavTest {
    @get:Rule(order = 0)
    val main = OnMainThread()

    @get:Rule(order = 1)
    val rule = createComposeRule()

    @Test
    fun aViewModelsStateAndNavigationWorkOnTheDesktop() {
        lateinit var nav: NavHostController
        rule.setContent {
            nav = rememberNavController()
            MaterialTheme {
                NavHost(nav, startDestination = "today") {
                    composable("today") { CounterScreen(onOpen = { nav.navigate("household/$it") }) }
                    composable("household/{id}") { entry ->
                        // Not Bundle.getString as on Android before navigation 2.9: arguments
                        // are a SavedState, read the same way on Android with 2.9 and later.
                        Text("住户详情 ${entry.arguments?.read { getStringOrNull("id") }}")
                    }
                }
            }
        }
        rule.onNodeWithText("今日走访 2 户").assertIsDisplayed()
        rule.onNodeWithTag("visit").performClick()
        rule.onNodeWithText("今日走访 3 户").assertIsDisplayed()
        rule.onNodeWithTag("open").performClick()
        rule.onNodeWithText("住户详情 3").assertIsDisplayed()
        rule.waitForIdle()
        assertEquals(
            listOf("today", "household/{id}"),
            nav.currentBackStack.value.mapNotNull { it.destination.route },
        )
        assertEquals(Lifecycle.State.RESUMED, nav.currentBackStackEntry?.lifecycle?.currentState)
    }
}
