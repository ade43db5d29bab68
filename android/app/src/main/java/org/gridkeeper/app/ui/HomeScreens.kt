package org.gridkeeper.app.ui

import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
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
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.ui.Modifier
import androidx.compose.ui.semantics.Role
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.semantics.stateDescription
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.unit.dp
import androidx.lifecycle.viewmodel.compose.viewModel
import androidx.lifecycle.viewmodel.initializer
import androidx.lifecycle.viewmodel.viewModelFactory
import org.gridkeeper.app.Answers
import org.gridkeeper.app.EffectPerformer
import org.gridkeeper.app.AppServices
import org.gridkeeper.app.R
import org.gridkeeper.app.shared.EnrolModel
import org.gridkeeper.screens.*

@Composable
fun EnrolScreen(app: AppServices, link: String?, performer: EffectPerformer) {
    // Its background run needs the screen object, which EnrolModel holds beside the model.
    val vm: ModelVm<EnrolEvent, EnrolView> = viewModel(key = "enrol", factory = viewModelFactory {
        initializer { app.screens.enrol().let { ModelVm(it.model, owner = it) } }
    })
    val enrol = vm.owner as EnrolModel
    val v = vm.collect(performer, Answers(enrol = { server, code -> enrol.run(server, code) }))
    LaunchedEffect(link) { if (link != null) vm.model.send(EnrolEvent.QrScanned(link)) }
    Column(
        Modifier.fillMaxSize().verticalScroll(rememberScrollState()).padding(16.dp),
        verticalArrangement = Arrangement.spacedBy(8.dp),
    ) {
        SectionTitle(word(R.string.enrol_title))
        Text(word(R.string.enrol_hint))
        FieldInput(word(R.string.enrol_server), v.server, v.serverError, { vm.send(EnrolEvent.Server(it)) }, keyboard = KeyboardType.Uri)
        FieldInput(word(R.string.enrol_code), v.code, v.codeError, { vm.send(EnrolEvent.Code(it)) })
        Banner(v.banner)
        vm.failureLine()
        Button(onClick = { vm.send(EnrolEvent.Submit) }, enabled = !v.busy, modifier = Modifier.fillMaxWidth()) {
            Text(word(R.string.enrol_submit))
        }
    }
}

@Composable
fun TodayScreen(app: AppServices, grid: String, performer: EffectPerformer) {
    val vm = rememberModel("today") { app.screens.today(grid) }
    val v = vm.collect(performer)
    LaunchedEffect(Unit) { vm.model.send(TodayEvent.Refresh(System.currentTimeMillis() / 1000)) }
    val overdue = word(R.string.overdue)
    LazyColumn(Modifier.fillMaxSize()) {
        item { Banner(v.error); vm.failureLine() }
        item {
            // The worker's other duties, one tap from the home screen.
            Row(Modifier.padding(horizontal = 8.dp), horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                OutlinedButton(onClick = { vm.send(TodayEvent.Search) }) { Text(word(R.string.search)) }
                OutlinedButton(onClick = { vm.send(TodayEvent.Places) }) { Text(word(R.string.places)) }
                v.draftsText?.let { text -> OutlinedButton(onClick = { vm.send(TodayEvent.Drafts) }) { Text(text) } }
            }
            // On a line of its own: the row above is full at the largest font sizes.
            Row(Modifier.padding(horizontal = 8.dp), horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                OutlinedButton(onClick = { vm.send(TodayEvent.Activities) }) { Text(word(R.string.activities)) }
                OutlinedButton(onClick = { vm.send(TodayEvent.Diary) }) { Text(word(R.string.diary)) }
            }
        }
        // Values two phones set differently wait for a person: shown apart, in the warning colour.
        v.conflictsText?.let { text ->
            item {
                ListItem(
                    headlineContent = { Text(text, color = MaterialTheme.colorScheme.error) },
                    modifier = Modifier.clickable(role = Role.Button) { vm.send(TodayEvent.Conflicts) },
                )
            }
        }
        v.emptyText?.let { text -> item { Text(text, Modifier.padding(16.dp)) } }
        fun section(title: Int, lines: List<TodayLine>, scope: LazyListScope) {
            if (lines.isEmpty()) return
            scope.item { Column(Modifier.padding(horizontal = 16.dp)) { SectionTitle(word(title)) } }
            scope.items(lines, key = { it.target.toString() }) { line ->
                ListItem(
                    headlineContent = { Text(line.title) },
                    supportingContent = {
                        Text(line.detail, color = if (line.overdue) MaterialTheme.colorScheme.error else MaterialTheme.colorScheme.onSurfaceVariant)
                    },
                    // An errand's next household or place, marked done where the worker stands.
                    trailingContent = line.markDone?.let { mark ->
                        {
                            TextButton(onClick = {
                                vm.send(TodayEvent.MarkTaskTarget(mark.taskId, mark.targetId, System.currentTimeMillis() / 1000))
                            }) { Text(word(R.string.task_mark_done)) }
                        }
                    },
                    modifier = Modifier
                        .clickable(role = Role.Button) { vm.send(TodayEvent.Open(line.target)) }
                        .semantics { if (line.overdue) stateDescription = overdue },
                )
            }
        }
        section(R.string.today_tasks, v.tasks, this)
        section(R.string.today_visits, v.visits, this)
        section(R.string.today_inspections, v.inspections, this)
        section(R.string.today_cases, v.cases, this)
        section(R.string.today_mediations, v.mediations, this)
        section(R.string.today_returned, v.returned, this)
    }
}

@Composable
fun CasesScreen(app: AppServices, grid: String, performer: EffectPerformer) {
    val vm = rememberModel("cases") { app.screens.caseList(grid) }
    val v = vm.collect(performer)
    LaunchedEffect(Unit) { vm.model.send(CaseListEvent.Load(System.currentTimeMillis() / 1000)) }
    Column(Modifier.fillMaxSize()) {
        Banner(v.error)
        vm.failureLine()
        v.overdueText?.let { Text(it, color = MaterialTheme.colorScheme.error, modifier = Modifier.padding(8.dp)) }
        Row(Modifier.padding(8.dp), horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            // The list shows open cases; a filter picked from a row's state narrows it to that state.
            if (v.filter != null) LinkButton(word(R.string.open_cases)) { vm.send(CaseListEvent.Filter(null)) }
            Button(onClick = { vm.send(CaseListEvent.Report) }) { Text(word(R.string.report_case)) }
        }
        LazyColumn(Modifier.fillMaxSize()) {
            items(v.rows, key = { it.id }) { row ->
                ListItem(
                    headlineContent = { Text(row.title) },
                    supportingContent = {
                        Column {
                            Text(row.description, maxLines = 2)
                            Text(row.stateLabel + " · " + row.severity + " · " + row.deadlineText,
                                color = if (row.overdue) MaterialTheme.colorScheme.error else MaterialTheme.colorScheme.onSurfaceVariant)
                        }
                    },
                    trailingContent = {
                        LinkButton(row.stateLabel) { vm.send(CaseListEvent.Filter(row.state)) }
                    },
                    modifier = Modifier.clickable(role = Role.Button) { vm.send(CaseListEvent.Open(row.id)) },
                )
            }
            v.emptyText?.let { text -> item { Text(text, Modifier.padding(16.dp)) } }
        }
    }
}

@Composable
fun ConflictsScreen(app: AppServices, recordId: String, performer: EffectPerformer) {
    val vm = rememberModel("conflicts/$recordId") { app.screens.conflicts(recordId) }
    val v = vm.collect(performer)
    LaunchedEffect(Unit) { vm.model.send(ConflictsEvent.Load) }
    val shown = word(R.string.conflict_shown)
    LazyColumn(Modifier.fillMaxSize().padding(16.dp)) {
        item { SectionTitle(word(R.string.conflicts_title)) }
        item { Banner(v.error); vm.failureLine() }
        v.emptyText?.let { text -> item { Text(text) } }
        v.items.forEach { conflict ->
            item(key = conflict.path) {
                Text(conflict.title, style = MaterialTheme.typography.titleSmall, modifier = Modifier.padding(top = 12.dp))
            }
            conflict.choices.forEachIndexed { i, choice ->
                item(key = conflict.path + "#" + i) {
                    ListItem(
                        headlineContent = { Text(choice.text) },
                        supportingContent = { Text(choice.by) },
                        trailingContent = { if (choice.shown) Text(shown) },
                        modifier = Modifier
                            .fillMaxWidth()
                            .clickable(role = Role.Button, onClickLabel = choice.action) {
                                vm.send(ConflictsEvent.Pick(conflict.path, i.toUInt()))
                            },
                    )
                }
            }
        }
    }
}

/** Every record of the grid with unresolved conflicts; a line opens that record's conflicts. */
@Composable
fun ConflictListScreen(app: AppServices, grid: String, performer: EffectPerformer) {
    val vm = rememberModel("conflicts") { app.screens.conflictList(grid) }
    val v = vm.collect(performer)
    LaunchedEffect(Unit) { vm.model.send(ConflictListEvent.Load) }
    LazyColumn(Modifier.fillMaxSize().padding(horizontal = 16.dp)) {
        item { SectionTitle(word(R.string.conflict_list_title)) }
        item { Banner(v.error); vm.failureLine() }
        v.emptyText?.let { text -> item { Text(text) } }
        items(v.rows, key = { it.id }) { row ->
            ListItem(
                overlineContent = { Text(row.kind) },
                headlineContent = { Text(row.title) },
                supportingContent = { Text(row.count, color = MaterialTheme.colorScheme.error) },
                modifier = Modifier.fillMaxWidth().clickable(role = Role.Button) { vm.send(ConflictListEvent.Open(row.id)) },
            )
        }
    }
}

@OptIn(ExperimentalLayoutApi::class)
@Composable
internal fun ChipsRow(labels: List<String>) {
    if (labels.isEmpty()) return
    // Wraps: at the large font sizes many older workers set, a row would run off the screen.
    FlowRow(horizontalArrangement = Arrangement.spacedBy(6.dp)) {
        labels.forEach { Text(it, style = MaterialTheme.typography.labelMedium, color = MaterialTheme.colorScheme.primary) }
    }
}
