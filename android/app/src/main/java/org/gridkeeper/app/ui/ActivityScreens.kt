package org.gridkeeper.app.ui

import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.ListItem
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.ui.Modifier
import androidx.compose.ui.semantics.Role
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.unit.dp
import org.gridkeeper.app.Answers
import org.gridkeeper.app.AppServices
import org.gridkeeper.app.EffectPerformer
import org.gridkeeper.app.R
import org.gridkeeper.screens.*

/** The grid's activities (宣传 / 文体活动), the latest held first; 记录活动 on top. */
@Composable
fun ActivitiesScreen(app: AppServices, grid: String, performer: EffectPerformer) {
    val vm = rememberModel("activities") { app.screens.activityList(grid) }
    val v = vm.collect(performer)
    LaunchedEffect(Unit) { vm.model.send(ActivityListEvent.Load) }
    LazyColumn(Modifier.fillMaxSize().padding(horizontal = 8.dp)) {
        item {
            Banner(v.error)
            vm.failureLine()
            Button(onClick = { vm.send(ActivityListEvent.New) }, modifier = Modifier.padding(8.dp)) {
                Text(word(R.string.new_activity))
            }
            Column(Modifier.padding(horizontal = 8.dp)) { SectionTitle(v.countText) }
        }
        items(v.rows, key = { it.id }) { row ->
            ListItem(
                overlineContent = { Text(row.activityType + " · " + row.heldOn) },
                headlineContent = { Text(row.topic) },
                supportingContent = if (row.detail.isEmpty()) null else { { Text(row.detail) } },
                modifier = Modifier.clickable(role = Role.Button) { vm.send(ActivityListEvent.Open(row.id)) },
            )
        }
        v.emptyText?.let { text -> item { Text(text, Modifier.padding(16.dp)) } }
    }
}

/** One activity: what, when, where, how many came, what was done; 编辑 to correct it. */
@Composable
fun ActivityDetailScreen(app: AppServices, id: String, performer: EffectPerformer) {
    val vm = rememberModel("activity/$id") { app.screens.activityDetail(id) }
    val v = vm.collect(performer)
    LaunchedEffect(Unit) { vm.model.send(ActivityDetailEvent.LOAD) }
    Column(
        Modifier.fillMaxSize().verticalScroll(rememberScrollState()).padding(16.dp),
        verticalArrangement = Arrangement.spacedBy(4.dp),
    ) {
        Banner(v.error)
        vm.failureLine()
        SectionTitle(v.topic)
        Text(v.activityType, color = MaterialTheme.colorScheme.primary)
        Text(v.heldOn)
        if (v.venue.isNotEmpty()) Text(v.venue)
        if (v.participants.isNotEmpty()) Text(v.participants)
        if (v.notes.isNotBlank()) Text(v.notes)
        if (v.photos.isNotEmpty()) Text(word(R.string.photos_n, v.photos.size))
        v.conflictsText?.let { text ->
            OutlinedButton(onClick = { vm.send(ActivityDetailEvent.SHOW_CONFLICTS) }) { Text(text) }
        }
        OutlinedButton(onClick = { vm.send(ActivityDetailEvent.EDIT) }) { Text(word(R.string.edit)) }
    }
}

/** Recording an activity, or correcting one; the labels and messages are the core's. */
@Composable
@OptIn(ExperimentalLayoutApi::class)
fun ActivityEditScreen(app: AppServices, grid: String, id: String?, performer: EffectPerformer) {
    val vm = rememberModel("activity-edit/${id ?: "new"}") { app.screens.activityEdit(grid, id) }
    val v = vm.collect(performer, Answers(photoTaken = { _, path -> ActivityEditEvent.PhotoTaken(path) }))
    LaunchedEffect(Unit) { vm.model.send(ActivityEditEvent.Load(System.currentTimeMillis() / 1000)) }
    fun error(field: String) = v.errors.firstOrNull { it.field == field }?.message
    fun text(field: String) = { value: String -> vm.send(ActivityEditEvent.Text(field, value)) }
    Column(
        Modifier.fillMaxSize().verticalScroll(rememberScrollState()).padding(16.dp),
        verticalArrangement = Arrangement.spacedBy(4.dp),
    ) {
        SectionTitle(v.title)
        Banner(v.banner)
        vm.failureLine()
        v.note?.let { Text(it) }
        Choices(v.activityTypes.map { it.key to it.label }, v.activityType) { vm.send(ActivityEditEvent.ActivityType(it)) }
        v.inputs.forEach { input ->
            FieldInput(
                input.label, input.value, error(input.field), text(input.field),
                keyboard = if (input.numeric) KeyboardType.Number else KeyboardType.Text,
                enabled = !v.loading,
            )
        }
        FieldInput(v.notesLabel, v.notes, error("notes"), text("notes"), singleLine = false, enabled = !v.loading)
        OutlinedButton(onClick = { vm.send(ActivityEditEvent.TakePhoto) }) { Text(word(R.string.take_photo)) }
        error("photos")?.let { Text(it, color = MaterialTheme.colorScheme.error) }
        if (v.photos.isNotEmpty()) {
            Text(word(R.string.photos_n, v.photos.size))
            FlowRow {
                v.photos.forEachIndexed { i, hash ->
                    LinkButton(word(R.string.remove_photo, i + 1)) { vm.send(ActivityEditEvent.RemovePhoto(hash)) }
                }
            }
        }
        FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            Button(onClick = { vm.send(ActivityEditEvent.Save) }, enabled = !v.loading) { Text(word(R.string.save)) }
            OutlinedButton(onClick = { vm.send(ActivityEditEvent.Discard) }) { Text(word(R.string.discard)) }
        }
    }
}
