package org.gridkeeper.app.ui

import androidx.compose.foundation.horizontalScroll
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
import androidx.compose.foundation.lazy.items
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.FilterChip
import androidx.compose.material3.ListItem
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.rememberCoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import androidx.compose.ui.Modifier
import androidx.compose.ui.semantics.Role
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.unit.dp
import org.gridkeeper.app.EffectPerformer
import org.gridkeeper.app.AppServices
import org.gridkeeper.app.R
import org.gridkeeper.screens.*

@Composable
fun HouseholdsScreen(app: AppServices, grid: String, performer: EffectPerformer) {
    val vm = rememberModel("households") { app.screens.households(grid) }
    val v = vm.collect(performer)
    LaunchedEffect(Unit) { vm.model.send(HouseholdsEvent.Load) }
    Column(Modifier.fillMaxSize().padding(horizontal = 8.dp)) {
        // Each keystroke would re-read the grid: the list follows once typing pauses, and the
        // text stays as typed meanwhile (localText), so a pinyin composition is not broken.
        val scope = rememberCoroutineScope()
        val search = remember { mutableStateOf<Job?>(null) }
        val (query, onQuery) = localText(v.query) { typed ->
            search.value?.cancel()
            search.value = scope.launch { delay(250); vm.send(HouseholdsEvent.Query(typed)) }
        }
        OutlinedTextField(
            value = query,
            onValueChange = onQuery,
            label = { Text(word(R.string.search_hint)) },
            singleLine = true,
            modifier = Modifier.fillMaxWidth(),
        )
        // Filter by the special groups the worker looks after; a second tap clears it.
        Row(Modifier.horizontalScroll(rememberScrollState())) {
            v.tagChoices.forEach { tag ->
                FilterChip(
                    selected = v.tag == tag.key,
                    onClick = { vm.send(HouseholdsEvent.Tag(if (v.tag == tag.key) null else tag.key)) },
                    label = { Text(tag.label) },
                    modifier = Modifier.padding(end = 4.dp),
                )
            }
        }
        Banner(v.error)
        vm.failureLine()
        LazyColumn(Modifier.fillMaxSize()) {
            item { SectionTitle(v.place) }
            if (v.canGoUp) item { LinkButton(word(R.string.up)) { vm.send(HouseholdsEvent.Up) } }
            items(v.groups, key = { "g" + it.key }) { group ->
                ListItem(
                    headlineContent = { Text(group.label) },
                    modifier = Modifier.clickable(role = Role.Button) { vm.send(HouseholdsEvent.Browse(group.key)) },
                )
            }
            items(v.rows, key = { it.id }) { row ->
                ListItem(
                    headlineContent = { Text(row.title) },
                    supportingContent = { Column { Text(row.address); Text(row.members); ChipsRow(row.tags) } },
                    modifier = Modifier.clickable(role = Role.Button) { vm.send(HouseholdsEvent.Open(row.id)) },
                )
            }
            v.emptyText?.let { text -> item { Text(text, Modifier.padding(16.dp)) } }
            item {
                Button(onClick = { vm.send(HouseholdsEvent.Add) }, modifier = Modifier.padding(8.dp)) {
                    Text(word(R.string.add_household))
                }
            }
        }
    }
}

@OptIn(ExperimentalLayoutApi::class)
@Composable
fun HouseholdDetailScreen(app: AppServices, id: String, performer: EffectPerformer) {
    val vm = rememberModel("household/$id") { app.screens.householdDetail(id) }
    val v = vm.collect(performer)
    LaunchedEffect(Unit) { vm.model.send(HouseholdDetailEvent.Load) }
    LazyColumn(Modifier.fillMaxSize().padding(horizontal = 16.dp)) {
        item {
            Banner(v.error)
            vm.failureLine()
            SectionTitle(v.address)
            ChipsRow(v.tags)
            if (v.notes.isNotBlank()) Text(v.notes)
            v.conflictsText?.let { text ->
                OutlinedButton(onClick = { vm.send(HouseholdDetailEvent.ShowConflicts) }) { Text(text) }
            }
            // Wraps: three buttons do not fit one line in English or at a large font.
            FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                Button(onClick = { vm.send(HouseholdDetailEvent.Visit(null)) }) { Text(word(R.string.start_visit)) }
                OutlinedButton(onClick = { vm.send(HouseholdDetailEvent.ReportCase) }) { Text(word(R.string.report_case)) }
                OutlinedButton(onClick = { vm.send(HouseholdDetailEvent.Edit) }) { Text(word(R.string.edit)) }
            }
            SectionTitle(word(R.string.members))
        }
        items(v.members, key = { it.id }) { m ->
            Card(Modifier.fillMaxWidth().padding(vertical = 4.dp)) {
                Column(Modifier.padding(12.dp)) {
                    Text("${m.name} · ${m.relation}")
                    m.idNumber?.let { Text(it) }
                    m.phone?.let { Text(it) }
                    m.left?.let { Text(it) }
                    ChipsRow(m.tags)
                    Row {
                        LinkButton(word(if (m.revealed) R.string.hide_full else R.string.show_full)) {
                            vm.send(HouseholdDetailEvent.Reveal(m.id))
                        }
                        LinkButton(word(R.string.start_visit)) { vm.send(HouseholdDetailEvent.Visit(m.id)) }
                    }
                }
            }
        }
        item { SectionTitle(word(R.string.visits)) }
        items(v.visits, key = { it.id }) { visit ->
            ListItem(headlineContent = { Text(visit.`when`) }, supportingContent = { Text("${visit.purpose} · ${visit.worker}") })
        }
        v.moreVisits?.let { more -> item { LinkButton(more) { vm.send(HouseholdDetailEvent.MoreVisits) } } }
    }
}

@OptIn(ExperimentalLayoutApi::class)
@Composable
fun HouseholdEditScreen(app: AppServices, grid: String, id: String?, performer: EffectPerformer) {
    val vm = rememberModel("household-edit/${id ?: "new"}") { app.screens.householdEdit(grid, id) }
    val v = vm.collect(performer)
    LaunchedEffect(Unit) { vm.model.send(HouseholdEditEvent.Load) }
    fun error(field: String) = v.errors.firstOrNull { it.field == field }?.message
    fun text(field: String) = { value: String -> vm.send(HouseholdEditEvent.Text(field, value)) }
    Column(
        Modifier.fillMaxSize().verticalScroll(rememberScrollState()).padding(16.dp),
        verticalArrangement = Arrangement.spacedBy(4.dp),
    ) {
        if (v.restoredDraft) Text(word(R.string.draft_restored))
        Banner(v.banner)
        vm.failureLine()
        v.note?.let { Text(it) }
        // Labels and messages are the core's: the form's fields are its to name.
        v.address.forEach { input -> FieldInput(input.label, input.value, error(input.field), text(input.field), enabled = !v.loading) }
        Choices(v.housingTypes.map { it.key to it.label }, v.housingType) { vm.send(HouseholdEditEvent.HousingType(it)) }
        SectionTitle(word(R.string.members))
        v.members.forEachIndexed { i, m ->
            val at = i.toUInt()
            Card(Modifier.fillMaxWidth().padding(vertical = 4.dp)) {
                Column(Modifier.padding(8.dp)) {
                    Text(m.heading)
                    m.left?.let { Text(it) }
                    FieldInput(word(R.string.member_name), m.name, error("${m.path}.name"), text("${m.path}.name"), enabled = !v.loading)
                    FieldInput(word(R.string.member_id_number), m.idNumber, error("${m.path}.id_number"),
                        text("${m.path}.id_number"), keyboard = KeyboardType.Ascii, enabled = !v.loading)
                    FieldInput(word(R.string.member_phone), m.phone, error("${m.path}.phone"),
                        text("${m.path}.phone"), keyboard = KeyboardType.Phone, enabled = !v.loading)
                    Choices(v.relations.map { it.key to it.label }, m.relation) { vm.send(HouseholdEditEvent.Relation(at, it)) }
                    Choices(v.registrations.map { it.key to it.label }, m.registration) { vm.send(HouseholdEditEvent.Registration(at, it)) }
                    FlowRow(horizontalArrangement = Arrangement.spacedBy(4.dp)) {
                        v.tagChoices.forEach { tag ->
                            FilterChip(
                                selected = tag.key in m.tags,
                                onClick = { vm.send(HouseholdEditEvent.ToggleTag(at, tag.key)) },
                                label = { Text(tag.label) },
                            )
                        }
                    }
                    if (m.removable) LinkButton(word(R.string.remove_member)) { vm.send(HouseholdEditEvent.RemoveMember(at)) }
                }
            }
        }
        OutlinedButton(onClick = { vm.send(HouseholdEditEvent.AddMember) }) { Text(word(R.string.add_member)) }
        FieldInput(word(R.string.notes), v.notes, error("notes"), text("notes"), singleLine = false, enabled = !v.loading)
        Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            Button(onClick = { vm.send(HouseholdEditEvent.Save) }, enabled = !v.loading) { Text(word(R.string.save)) }
            OutlinedButton(onClick = { vm.send(HouseholdEditEvent.Discard) }) { Text(word(R.string.discard)) }
        }
    }
}
