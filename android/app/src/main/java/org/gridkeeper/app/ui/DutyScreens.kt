package org.gridkeeper.app.ui

import androidx.compose.foundation.clickable
import androidx.compose.foundation.horizontalScroll
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.FilterChip
import androidx.compose.material3.ListItem
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.ui.Modifier
import androidx.compose.ui.semantics.Role
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.semantics.stateDescription
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.unit.dp
import kotlinx.coroutines.Job
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import org.gridkeeper.app.AppServices
import org.gridkeeper.app.EffectPerformer
import org.gridkeeper.app.R
import org.gridkeeper.screens.*

/** The grid's places: search (汉字, pinyin initials), a filter by type, and 登记场所. */
@Composable
fun PlacesScreen(app: AppServices, grid: String, performer: EffectPerformer) {
    val vm = rememberModel("places") { app.screens.placeList(grid) }
    val v = vm.collect(performer)
    LaunchedEffect(Unit) { vm.model.send(PlaceListEvent.Load) }
    Column(Modifier.fillMaxSize().padding(horizontal = 8.dp)) {
        // As on the household list: the query goes once typing pauses, the text stays as typed.
        val scope = rememberCoroutineScope()
        val search = remember { mutableStateOf<Job?>(null) }
        val (query, onQuery) = localText(v.query) { typed ->
            search.value?.cancel()
            search.value = scope.launch { delay(250); vm.send(PlaceListEvent.Query(typed)) }
        }
        OutlinedTextField(
            value = query,
            onValueChange = onQuery,
            label = { Text(word(R.string.search_places)) },
            singleLine = true,
            modifier = Modifier.fillMaxWidth(),
        )
        Row(Modifier.horizontalScroll(rememberScrollState())) {
            v.typeChoices.forEach { type ->
                FilterChip(
                    selected = v.placeType == type.key,
                    onClick = { vm.send(PlaceListEvent.Type(if (v.placeType == type.key) null else type.key)) },
                    label = { Text(type.label) },
                    modifier = Modifier.padding(end = 4.dp),
                )
            }
        }
        Banner(v.error)
        vm.failureLine()
        LazyColumn(Modifier.fillMaxSize()) {
            item {
                Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                    SectionTitle(v.countText)
                }
                Button(onClick = { vm.send(PlaceListEvent.Add) }, modifier = Modifier.padding(vertical = 4.dp)) {
                    Text(word(R.string.add_place))
                }
            }
            items(v.rows, key = { it.id }) { row ->
                ListItem(
                    headlineContent = { Text(row.name) },
                    overlineContent = { Text(row.placeType) },
                    supportingContent = {
                        Column {
                            Text(row.address)
                            if (row.responsible.isNotEmpty()) Text(row.responsible)
                        }
                    },
                    modifier = Modifier.clickable(role = Role.Button) { vm.send(PlaceListEvent.Open(row.id)) },
                )
            }
            v.emptyText?.let { text -> item { Text(text, Modifier.padding(16.dp)) } }
        }
    }
}

/** One place: who is responsible, its visits and inspections, and 走访 / 巡查 / 上报事件 / 修改 from it. */
@OptIn(ExperimentalLayoutApi::class)
@Composable
fun PlaceDetailScreen(app: AppServices, id: String, performer: EffectPerformer) {
    val vm = rememberModel("place/$id") { app.screens.placeDetail(id) }
    val v = vm.collect(performer)
    LaunchedEffect(Unit) { vm.model.send(PlaceDetailEvent.LOAD) }
    LazyColumn(Modifier.fillMaxSize().padding(horizontal = 16.dp)) {
        item {
            Banner(v.error)
            vm.failureLine()
            SectionTitle(v.name)
            Text(v.placeType, color = MaterialTheme.colorScheme.primary)
            Text(v.address)
            if (v.responsible.isNotEmpty()) Text(v.responsible)
            ChipsRow(v.tags)
            if (v.notes.isNotBlank()) Text(v.notes)
            v.conflictsText?.let { text ->
                OutlinedButton(onClick = { vm.send(PlaceDetailEvent.SHOW_CONFLICTS) }) { Text(text) }
            }
            // Wraps: four buttons do not fit one line.
            FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp), modifier = Modifier.padding(vertical = 8.dp)) {
                Button(onClick = { vm.send(PlaceDetailEvent.VISIT) }) { Text(word(R.string.start_visit)) }
                Button(onClick = { vm.send(PlaceDetailEvent.INSPECT) }) { Text(word(R.string.start_inspection)) }
                OutlinedButton(onClick = { vm.send(PlaceDetailEvent.REPORT_CASE) }) { Text(word(R.string.report_case)) }
                OutlinedButton(onClick = { vm.send(PlaceDetailEvent.EDIT) }) { Text(word(R.string.edit)) }
            }
            SectionTitle(word(R.string.inspections))
            if (v.inspections.isEmpty()) Text(word(R.string.none_yet))
        }
        items(v.inspections, key = { "i" + it.id }) { line ->
            ListItem(headlineContent = { Text(line.`when`) }, supportingContent = { Text(line.text) })
        }
        item {
            SectionTitle(word(R.string.visits))
            if (v.visits.isEmpty()) Text(word(R.string.none_yet))
        }
        items(v.visits, key = { "v" + it.id }) { line ->
            ListItem(headlineContent = { Text(line.`when`) }, supportingContent = { Text(line.text) })
        }
    }
}

/** Registering a place, or editing one; the form's labels and messages are the core's. */
@Composable
fun PlaceEditScreen(app: AppServices, grid: String, id: String?, performer: EffectPerformer) {
    val vm = rememberModel("place-edit/${id ?: "new"}") { app.screens.placeEdit(grid, id) }
    val v = vm.collect(performer)
    LaunchedEffect(Unit) { vm.model.send(PlaceEditEvent.Load) }
    fun error(field: String) = v.errors.firstOrNull { it.field == field }?.message
    fun text(field: String) = { value: String -> vm.send(PlaceEditEvent.Text(field, value)) }
    Column(
        Modifier.fillMaxSize().verticalScroll(rememberScrollState()).padding(16.dp),
        verticalArrangement = Arrangement.spacedBy(4.dp),
    ) {
        SectionTitle(v.title)
        Banner(v.banner)
        vm.failureLine()
        v.note?.let { Text(it) }
        Choices(v.placeTypes.map { it.key to it.label }, v.placeType) { vm.send(PlaceEditEvent.PlaceType(it)) }
        v.inputs.forEach { input ->
            // An address as a whole (neither building and room nor text) is refused on `address`:
            // its message goes under the free-text line, where it can be fixed.
            val message = error(input.field) ?: if (input.field == "address.text") error("address") else null
            FieldInput(
                input.label, input.value, message, text(input.field),
                keyboard = if (input.field == "contact") KeyboardType.Phone else KeyboardType.Text,
                enabled = !v.loading,
            )
        }
        FieldInput(word(R.string.notes), v.notes, error("notes"), text("notes"), singleLine = false, enabled = !v.loading)
        Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            Button(onClick = { vm.send(PlaceEditEvent.Save) }, enabled = !v.loading) { Text(word(R.string.save)) }
            OutlinedButton(onClick = { vm.send(PlaceEditEvent.Discard) }) { Text(word(R.string.discard)) }
        }
    }
}

/** The 调解 tab: mediations under way first, each with its state in words; 新建调解 on top. */
@Composable
fun MediationsScreen(app: AppServices, grid: String, performer: EffectPerformer) {
    val vm = rememberModel("mediations") { app.screens.mediationList(grid) }
    val v = vm.collect(performer)
    LaunchedEffect(Unit) { vm.model.send(MediationListEvent.Load) }
    val warn = word(R.string.needs_escalation)
    LazyColumn(Modifier.fillMaxSize().padding(horizontal = 8.dp)) {
        item {
            Banner(v.error)
            vm.failureLine()
            Row(horizontalArrangement = Arrangement.spacedBy(8.dp), modifier = Modifier.padding(8.dp)) {
                Button(onClick = { vm.send(MediationListEvent.New) }) { Text(word(R.string.new_mediation)) }
            }
            Column(Modifier.padding(horizontal = 8.dp)) { SectionTitle(v.openText) }
        }
        items(v.rows, key = { it.id }) { row ->
            ListItem(
                headlineContent = { Text(row.title) },
                supportingContent = {
                    Text(row.detail, color = if (row.needsEscalation) MaterialTheme.colorScheme.error else MaterialTheme.colorScheme.onSurfaceVariant)
                },
                trailingContent = {
                    Text(row.state, color = if (row.open) MaterialTheme.colorScheme.primary else MaterialTheme.colorScheme.onSurfaceVariant)
                },
                modifier = Modifier
                    .clickable(role = Role.Button) { vm.send(MediationListEvent.Open(row.id)) }
                    .semantics { if (row.needsEscalation) stateDescription = warn },
            )
        }
        v.emptyText?.let { text -> item { Text(text, Modifier.padding(16.dp)) } }
    }
}

/** Forms left unfinished, of every kind, newest first: 继续填写 or 删除. */
@Composable
fun DraftsScreen(app: AppServices, performer: EffectPerformer) {
    val vm = rememberModel("drafts") { app.screens.draftList() }
    val v = vm.collect(performer)
    LaunchedEffect(Unit) { vm.model.send(DraftListEvent.Load) }
    LazyColumn(Modifier.fillMaxSize().padding(horizontal = 8.dp)) {
        item {
            Column(Modifier.padding(horizontal = 8.dp)) { SectionTitle(word(R.string.drafts_title)) }
            Banner(v.error)
            vm.failureLine()
        }
        items(v.rows, key = { it.key }) { row ->
            ListItem(
                overlineContent = { Text(row.form) },
                headlineContent = { Text(row.title) },
                supportingContent = {
                    Column {
                        Text(row.saved)
                        Row {
                            if (row.resumable) LinkButton(word(R.string.resume_draft)) { vm.send(DraftListEvent.Resume(row.key)) }
                            LinkButton(word(R.string.drop_draft)) { vm.send(DraftListEvent.Drop(row.key)) }
                        }
                    }
                },
                modifier = Modifier.clickable(enabled = row.resumable, role = Role.Button) { vm.send(DraftListEvent.Resume(row.key)) },
            )
        }
        v.emptyText?.let { text -> item { Text(text, Modifier.padding(16.dp)) } }
    }
}

/** One box for households, places, cases and mediations; each hit opens its own screen. */
@Composable
fun SearchScreen(app: AppServices, grid: String, performer: EffectPerformer) {
    val vm = rememberModel("search") { app.screens.search(grid) }
    val v = vm.collect(performer)
    Column(Modifier.fillMaxSize().padding(horizontal = 8.dp)) {
        val scope = rememberCoroutineScope()
        val pending = remember { mutableStateOf<Job?>(null) }
        val (query, onQuery) = localText(v.query) { typed ->
            pending.value?.cancel()
            pending.value = scope.launch { delay(250); vm.send(SearchEvent.Query(typed)) }
        }
        OutlinedTextField(
            value = query,
            onValueChange = onQuery,
            label = { Text(word(R.string.search_all)) },
            singleLine = true,
            modifier = Modifier.fillMaxWidth(),
        )
        Banner(v.error)
        vm.failureLine()
        LazyColumn(Modifier.fillMaxSize()) {
            items(v.rows, key = { it.kind + it.id }) { row ->
                ListItem(
                    overlineContent = { Text(row.kindLabel) },
                    headlineContent = { Text(row.title) },
                    modifier = Modifier.clickable(role = Role.Button) { vm.send(SearchEvent.Open(row.kind, row.id)) },
                )
            }
            v.emptyText?.let { text -> item { Text(text, Modifier.padding(16.dp)) } }
        }
    }
}
