package org.gridkeeper.app.ui

import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
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
import androidx.compose.material3.ListItem
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.Role
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.unit.dp
import org.gridkeeper.HousingType
import org.gridkeeper.MemberTag
import org.gridkeeper.Relation
import org.gridkeeper.app.GridkeeperApp
import org.gridkeeper.app.R
import org.gridkeeper.app.shared.Strings
import org.gridkeeper.app.shared.screens.*

@Composable
fun HouseholdsScreen(app: GridkeeperApp, grid: String, onOpen: (String) -> Unit, onAdd: () -> Unit) {
    val vm = rememberHolder("households") { HouseholdsHolder(app.repos, grid, app.lang) }
    val s = vm.collect { effect ->
        when (effect) {
            is HouseholdsEffect.OpenHousehold -> onOpen(effect.id)
            HouseholdsEffect.NewHousehold -> onAdd()
        }
    }
    LaunchedEffect(Unit) { vm.send(HouseholdsEvent.Load) }
    val lang = app.lang
    Column(Modifier.fillMaxSize().padding(horizontal = 8.dp)) {
        OutlinedTextField(
            value = s.query,
            onValueChange = { vm.send(HouseholdsEvent.Query(it)) },
            label = { Text(stringResource(R.string.search_hint)) },
            singleLine = true,
            modifier = Modifier.fillMaxWidth(),
        )
        Choices(
            listOf<Pair<MemberTag?, String>>(null to stringResource(R.string.all)) +
                MemberTag.values().map { it to Strings.label("tag", it, lang) },
            s.tag,
        ) { vm.send(HouseholdsEvent.Tag(it)) }
        Banner(s.error)
        LazyColumn(Modifier.fillMaxSize()) {
            if (s.building != null) item { LinkButton(stringResource(R.string.up)) { vm.send(HouseholdsEvent.Up) } }
            items(s.groups, key = { "g$it" }) { group ->
                val label = if (s.building == null) stringResource(R.string.address_building) else stringResource(R.string.address_unit)
                ListItem(
                    headlineContent = { Text("$label $group") },
                    modifier = Modifier.clickable(role = Role.Button) { vm.send(HouseholdsEvent.Browse(group)) },
                )
            }
            items(s.rows, key = { it.id }) { row ->
                ListItem(
                    headlineContent = { Text(row.title) },
                    supportingContent = { Column { Text(row.address); ChipsRow(row.tags) } },
                    modifier = Modifier.clickable(role = Role.Button) { vm.send(HouseholdsEvent.Open(row.id)) },
                )
            }
            item { Button(onClick = { vm.send(HouseholdsEvent.Add) }, modifier = Modifier.padding(8.dp)) { Text(stringResource(R.string.add_household)) } }
        }
    }
}

@Composable
fun HouseholdDetailScreen(app: GridkeeperApp, id: String, onEdit: () -> Unit, onVisit: (String?) -> Unit, onConflicts: () -> Unit) {
    val vm = rememberHolder("household/$id") { HouseholdDetailHolder(app.repos, id, app.lang) }
    val s = vm.collect { effect ->
        when (effect) {
            is HouseholdDetailEffect.EditHousehold -> onEdit()
            is HouseholdDetailEffect.StartVisit -> onVisit(effect.memberId)
            is HouseholdDetailEffect.OpenConflicts -> onConflicts()
        }
    }
    LaunchedEffect(Unit) { vm.send(HouseholdDetailEvent.Load) }
    LazyColumn(Modifier.fillMaxSize().padding(horizontal = 16.dp)) {
        item {
            Banner(s.error)
            SectionTitle(s.address)
            if (s.notes.isNotBlank()) Text(s.notes)
            if (s.conflictCount > 0) {
                OutlinedButton(onClick = { vm.send(HouseholdDetailEvent.ShowConflicts) }) {
                    Text(stringResource(R.string.conflicts_n, s.conflictCount))
                }
            }
            Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                Button(onClick = { vm.send(HouseholdDetailEvent.Visit(null)) }) { Text(stringResource(R.string.start_visit)) }
                OutlinedButton(onClick = { vm.send(HouseholdDetailEvent.Edit) }) { Text(stringResource(R.string.edit)) }
            }
            SectionTitle(stringResource(R.string.members))
        }
        items(s.members, key = { it.id }) { m ->
            Card(Modifier.fillMaxWidth().padding(vertical = 4.dp)) {
                Column(Modifier.padding(12.dp)) {
                    Text("${m.name} · ${m.relation}")
                    m.idNumber?.let { Text(it) }
                    m.phone?.let { Text(it) }
                    ChipsRow(m.tags)
                    Row {
                        LinkButton(stringResource(if (m.revealed) R.string.hide_full else R.string.show_full)) {
                            vm.send(HouseholdDetailEvent.Reveal(m.id))
                        }
                        LinkButton(stringResource(R.string.start_visit)) { vm.send(HouseholdDetailEvent.Visit(m.id)) }
                    }
                }
            }
        }
        item { SectionTitle(stringResource(R.string.visits)) }
        items(s.visits, key = { it.id }) { v ->
            ListItem(headlineContent = { Text(v.whenText) }, supportingContent = { Text("${v.purpose} · ${v.worker}") })
        }
    }
}

@Composable
fun HouseholdEditScreen(app: GridkeeperApp, grid: String, id: String?, onDone: (String?) -> Unit) {
    val vm = rememberHolder("household-edit/${id ?: "new"}") { HouseholdEditHolder(app.repos, app.drafts, grid, id, app.lang) }
    val s = vm.collect { effect ->
        when (effect) {
            is HouseholdEditEffect.Saved -> onDone(effect.id)
            HouseholdEditEffect.Closed -> onDone(null)
        }
    }
    LaunchedEffect(Unit) { vm.send(HouseholdEditEvent.Load) }
    val lang = app.lang
    fun field(path: String) = { v: String -> vm.send(HouseholdEditEvent.Field(path, v)) }
    Column(Modifier.fillMaxSize().verticalScroll(rememberScrollState()).padding(16.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
        if (s.restoredDraft) Text(stringResource(R.string.draft_restored))
        Banner(s.banner)
        Banner(s.errors["address"])
        val f = s.form
        FieldInput(stringResource(R.string.address_compound), f.compound, s.errors["address.compound"], field("address.compound"))
        FieldInput(stringResource(R.string.address_building), f.building, s.errors["address.building"], field("address.building"))
        FieldInput(stringResource(R.string.address_unit), f.unit, s.errors["address.unit"], field("address.unit"))
        FieldInput(stringResource(R.string.address_room), f.room, s.errors["address.room"], field("address.room"))
        FieldInput(stringResource(R.string.address_text), f.text, s.errors["address.text"], field("address.text"))
        Choices(HousingType.values().map { it to Strings.label("housing", it, lang) }, f.housingType) {
            vm.send(HouseholdEditEvent.HousingTypeChosen(it))
        }
        SectionTitle(stringResource(R.string.members))
        f.members.forEachIndexed { i, m ->
            Card(Modifier.fillMaxWidth().padding(vertical = 4.dp)) {
                Column(Modifier.padding(8.dp)) {
                    FieldInput(stringResource(R.string.member_name), m.name, s.errors["members[$i].name"], field("members[$i].name"))
                    FieldInput(stringResource(R.string.member_id_number), m.idNumber, s.errors["members[$i].id_number"], field("members[$i].id_number"), keyboard = KeyboardType.Ascii)
                    FieldInput(stringResource(R.string.member_phone), m.phone, s.errors["members[$i].phone"], field("members[$i].phone"), keyboard = KeyboardType.Phone)
                    Choices(Relation.values().map { it to Strings.label("relation", it, lang) }, m.relation) {
                        vm.send(HouseholdEditEvent.RelationChosen(i, it))
                    }
                    MemberTag.values().forEach { tag ->
                        androidx.compose.material3.FilterChip(
                            selected = tag in m.tags,
                            onClick = { vm.send(HouseholdEditEvent.ToggleTag(i, tag)) },
                            label = { Text(Strings.label("tag", tag, lang)) },
                        )
                    }
                    LinkButton(stringResource(R.string.remove_member)) { vm.send(HouseholdEditEvent.RemoveMember(i)) }
                }
            }
        }
        OutlinedButton(onClick = { vm.send(HouseholdEditEvent.AddMember) }) { Text(stringResource(R.string.add_member)) }
        FieldInput(stringResource(R.string.notes), f.notes, s.errors["notes"], field("notes"), singleLine = false)
        Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            Button(onClick = { vm.send(HouseholdEditEvent.Save) }, enabled = !s.saving) { Text(stringResource(R.string.save)) }
            OutlinedButton(onClick = { vm.send(HouseholdEditEvent.Discard) }) { Text(stringResource(R.string.discard)) }
        }
    }
}
