package org.gridkeeper.app.ui

import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.LazyListScope
import androidx.compose.foundation.lazy.items
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.ListItem
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.Role
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.semantics.stateDescription
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.unit.dp
import org.gridkeeper.app.GridkeeperApp
import org.gridkeeper.app.R
import org.gridkeeper.app.shared.screens.*

@Composable
fun EnrolScreen(app: GridkeeperApp, link: String?, onEnrolled: (List<String>) -> Unit) {
    val vm = rememberHolder("enrol") { EnrolHolder(app.repos, app.lang) }
    val s = vm.collect { effect -> if (effect is EnrolEffect.Enrolled) onEnrolled(effect.grids) }
    LaunchedEffect(link) { if (link != null) vm.send(EnrolEvent.QrScanned(link)) }
    Column(
        Modifier.fillMaxSize().verticalScroll(rememberScrollState()).padding(16.dp),
        verticalArrangement = Arrangement.spacedBy(8.dp),
    ) {
        SectionTitle(stringResource(R.string.enrol_title))
        Text(stringResource(R.string.enrol_hint))
        FieldInput(stringResource(R.string.enrol_server), s.server, s.errors["server"], { vm.send(EnrolEvent.Server(it)) }, keyboard = KeyboardType.Uri)
        FieldInput(stringResource(R.string.enrol_code), s.code, s.errors["code"], { vm.send(EnrolEvent.Code(it)) })
        Banner(s.banner)
        Button(onClick = { vm.send(EnrolEvent.Submit) }, enabled = !s.busy, modifier = Modifier.fillMaxWidth()) {
            Text(stringResource(R.string.enrol_submit))
        }
    }
}

@Composable
fun TodayScreen(app: GridkeeperApp, grid: String, onOpen: (AgendaTarget) -> Unit) {
    val vm = rememberHolder("today") { TodayHolder(app.repos, grid, app.lang) }
    val s = vm.collect { effect -> if (effect is TodayEffect.Navigate) onOpen(effect.target) }
    LaunchedEffect(Unit) { vm.send(TodayEvent.Refresh) }
    val overdue = stringResource(R.string.overdue)
    LazyColumn(Modifier.fillMaxSize()) {
        item { Banner(s.error) }
        if (!s.loading && s.empty) item { Text(stringResource(R.string.empty_today), Modifier.padding(16.dp)) }
        fun section(title: Int, lines: List<AgendaLine>, scope: LazyListScope) {
            if (lines.isEmpty()) return
            scope.item { Column(Modifier.padding(horizontal = 16.dp)) { SectionTitle(stringResource(title)) } }
            scope.items(lines, key = { it.target.toString() }) { line ->
                ListItem(
                    headlineContent = { Text(line.title) },
                    supportingContent = { Text(line.detail, color = if (line.overdue) MaterialTheme.colorScheme.error else MaterialTheme.colorScheme.onSurfaceVariant) },
                    modifier = Modifier
                        .clickable(role = Role.Button) { vm.send(TodayEvent.Open(line.target)) }
                        .semantics { if (line.overdue) stateDescription = overdue },
                )
            }
        }
        section(R.string.today_visits, s.visits, this)
        section(R.string.today_inspections, s.inspections, this)
        section(R.string.today_cases, s.cases, this)
        section(R.string.today_mediations, s.mediations, this)
    }
}

@Composable
fun CasesScreen(app: GridkeeperApp, grid: String, onOpen: (String) -> Unit) {
    val vm = rememberHolder("cases") { CasesHolder(app.repos, grid, app.lang) }
    val s = vm.collect { effect -> if (effect is CasesEffect.OpenCase) onOpen(effect.id) }
    LaunchedEffect(Unit) { vm.send(CasesEvent.Load) }
    val lang = app.lang
    Column(Modifier.fillMaxSize()) {
        Column(Modifier.padding(8.dp)) {
            Choices(
                listOf<Pair<org.gridkeeper.CaseState?, String>>(null to stringResource(R.string.open_cases)) +
                    org.gridkeeper.CaseState.values().map { it to org.gridkeeper.app.shared.Strings.label("state", it, lang) },
                s.filter,
            ) { vm.send(CasesEvent.Filter(it)) }
        }
        Banner(s.error)
        LazyColumn(Modifier.fillMaxSize()) {
            items(s.rows, key = { it.id }) { row ->
                ListItem(
                    headlineContent = { Text(row.title) },
                    supportingContent = {
                        Text(row.stateLabel + " · " + stringResource(R.string.deadline, row.deadline),
                            color = if (row.overdue) MaterialTheme.colorScheme.error else MaterialTheme.colorScheme.onSurfaceVariant)
                    },
                    modifier = Modifier.clickable(role = Role.Button) { vm.send(CasesEvent.Open(row.id)) },
                )
            }
        }
    }
}

@Composable
fun ConflictsScreen(app: GridkeeperApp, recordId: String, onDone: () -> Unit) {
    val vm = rememberHolder("conflicts/$recordId") { ConflictsHolder(app.repos, recordId, app.lang) }
    val s = vm.collect { effect -> if (effect is ConflictsEffect.AllResolved) onDone() }
    LaunchedEffect(Unit) { vm.send(ConflictsEvent.Load) }
    val shown = stringResource(R.string.conflict_shown)
    LazyColumn(Modifier.fillMaxSize().padding(16.dp)) {
        item { SectionTitle(stringResource(R.string.conflicts_title)) }
        item { Banner(s.banner) }
        s.conflicts.forEach { line ->
            item(key = line.path) { Text(line.field, style = MaterialTheme.typography.titleSmall, modifier = Modifier.padding(top = 12.dp)) }
            items(line.choices, key = { line.path + it.index }) { choice ->
                ListItem(
                    headlineContent = { Text(choice.value) },
                    supportingContent = { Text(stringResource(R.string.conflict_by, choice.who, choice.whenText)) },
                    trailingContent = { if (choice.shownNow) Text(shown) },
                    modifier = Modifier
                        .fillMaxWidth()
                        .clickable(role = Role.Button, onClickLabel = stringResource(R.string.conflict_pick)) {
                            vm.send(ConflictsEvent.Pick(line.path, choice.index))
                        },
                )
            }
        }
    }
}

@Composable
internal fun ChipsRow(labels: List<String>) {
    if (labels.isEmpty()) return
    Row(horizontalArrangement = Arrangement.spacedBy(6.dp)) {
        labels.forEach { Text(it, style = MaterialTheme.typography.labelMedium, color = MaterialTheme.colorScheme.primary) }
    }
}
