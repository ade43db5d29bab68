package org.gridkeeper.app.ui

import androidx.compose.material3.DropdownMenuItem
import androidx.compose.material3.DropdownMenu
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.Checkbox
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Switch
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.focus.onFocusChanged
import androidx.compose.ui.platform.LocalFocusManager
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.semantics.toggleableState
import androidx.compose.ui.state.ToggleableState
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.unit.dp
import androidx.lifecycle.viewmodel.compose.viewModel
import androidx.lifecycle.viewmodel.initializer
import androidx.lifecycle.viewmodel.viewModelFactory
import org.gridkeeper.app.Answers
import org.gridkeeper.app.EffectPerformer
import org.gridkeeper.app.AppServices
import org.gridkeeper.app.R
import org.gridkeeper.app.shared.CaseDetailModel
import org.gridkeeper.screens.*

private fun now(): Long = System.currentTimeMillis() / 1000

/** The error the core placed under [field], when it is that field. */
private fun errorAt(errorField: String?, error: String?, field: String): String? = error.takeIf { errorField == field }

@Composable
fun VisitScreen(
    app: AppServices,
    subjectId: String,
    memberId: String?,
    performer: EffectPerformer,
    subject: VisitFormSubject = VisitFormSubject.HOUSEHOLD,
) {
    val vm = rememberModel("visit/$subjectId") { app.screens.visitForm(subject, subjectId, memberId) }
    val v = vm.collect(performer, Answers(
        photoTaken = { _, path -> VisitFormEvent.PhotoTaken(path) },
        located = { lat, lon, accuracy -> VisitFormEvent.Located(lat, lon, accuracy) },
        locationUnavailable = VisitFormEvent.LocationUnavailable,
    ))
    LaunchedEffect(Unit) { vm.model.send(VisitFormEvent.Load) }
    fun error(field: String) = v.errors.firstOrNull { it.field == field }?.message
    Column(Modifier.fillMaxSize().verticalScroll(rememberScrollState()).padding(16.dp), verticalArrangement = Arrangement.spacedBy(6.dp)) {
        SectionTitle(v.title)
        if (v.restoredDraft) Text(word(R.string.draft_restored))
        Banner(v.banner)
        vm.failureLine()
        v.note?.let { Text(it) }
        Text(word(R.string.visit_purpose))
        Choices(v.purposes.map { it.key to it.label }, v.purpose) { vm.send(VisitFormEvent.Purpose(it)) }
        if (v.members.isNotEmpty()) {
            Text(word(R.string.visit_members_seen))
            v.members.forEach { m ->
                Row(verticalAlignment = Alignment.CenterVertically) {
                    Checkbox(checked = m.seen, onCheckedChange = { vm.send(VisitFormEvent.ToggleMember(m.id)) })
                    Text("${m.name} · ${m.relation}")
                }
            }
        }
        FieldInput(word(R.string.visit_findings), v.findings, error("findings"), { vm.send(VisitFormEvent.Findings(it)) }, singleLine = false, enabled = !v.loading)
        OutlinedButton(onClick = { vm.send(VisitFormEvent.TakePhoto) }) { Text(word(R.string.take_photo)) }
        if (v.photos.isNotEmpty()) Text(word(R.string.photos_n, v.photos.size))
        PhotoRow(app, v.photos.map { PhotoThumb(it, true) })
        OutlinedButton(onClick = { vm.send(VisitFormEvent.Locate) }, enabled = !v.locating) { Text(word(R.string.locate)) }
        v.location?.let { Text(it.text) }
        v.locationNote?.let { Text(it) }
        error("location")?.let { Text(it, color = MaterialTheme.colorScheme.error) }
        Row(verticalAlignment = Alignment.CenterVertically) {
            Switch(checked = v.raiseCase, onCheckedChange = { vm.send(VisitFormEvent.RaiseCase(it)) })
            Text(word(R.string.raise_case), Modifier.padding(start = 8.dp))
        }
        if (v.raiseCase) {
            Choices(v.caseCategories.map { it.key to it.label }, v.caseCategory) { vm.send(VisitFormEvent.CaseCategory(it)) }
            Choices(v.caseSeverities.map { it.key to it.label }, v.caseSeverity) { vm.send(VisitFormEvent.CaseSeverity(it)) }
            FieldInput(word(R.string.case_description), v.caseDescription, error("description"),
                { vm.send(VisitFormEvent.CaseDescription(it)) }, singleLine = false, enabled = !v.loading)
        }
        Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            Button(onClick = { vm.send(VisitFormEvent.Submit) }, enabled = !v.loading) { Text(word(R.string.save)) }
            OutlinedButton(onClick = { vm.send(VisitFormEvent.Discard) }) { Text(word(R.string.discard)) }
        }
    }
}

@Composable
fun InspectionScreen(app: AppServices, grid: String, placeId: String?, performer: EffectPerformer) {
    val vm = rememberModel("inspection/${placeId ?: ""}") { app.screens.inspection(grid, placeId) }
    val v = vm.collect(performer, Answers(photoTaken = { item, path -> InspectionEvent.PhotoTaken(item, path) }))
    val focus = LocalFocusManager.current
    LaunchedEffect(Unit) { vm.model.send(InspectionEvent.Load) }
    Column(Modifier.fillMaxSize().verticalScroll(rememberScrollState()).padding(16.dp), verticalArrangement = Arrangement.spacedBy(6.dp)) {
        Banner(v.banner)
        vm.failureLine()
        when (v.stage) {
            InspectionStage.PICK_PLACE -> {
                SectionTitle(word(R.string.inspection_pick_place))
                v.places.forEach { p ->
                    OutlinedButton(onClick = { vm.send(InspectionEvent.PickPlace(p.id)) }, modifier = Modifier.fillMaxWidth()) {
                        Text("${p.name} · ${p.address}")
                    }
                }
            }
            InspectionStage.PICK_TEMPLATE -> {
                SectionTitle(word(R.string.inspection_pick_template) + " · " + v.placeName)
                v.templates.forEach { t ->
                    OutlinedButton(onClick = { vm.send(InspectionEvent.PickTemplate(t.id, t.version)) }, modifier = Modifier.fillMaxWidth()) {
                        Text(t.title)
                    }
                }
            }
            InspectionStage.RUN -> {
                SectionTitle(v.title + " · " + v.placeName)
                var section = ""
                v.items.forEach { item ->
                    if (item.section != section) {
                        section = item.section
                        Text(section, style = MaterialTheme.typography.titleSmall, modifier = Modifier.padding(top = 8.dp))
                    }
                    ChecklistItemCard(app, item, v.errorField == item.id, vm::send)
                }
                // Leaving the last input first sends its answer, which the rules then count.
                Button(onClick = { focus.clearFocus(); vm.send(InspectionEvent.Complete) }, enabled = v.canComplete, modifier = Modifier.fillMaxWidth()) {
                    Text(word(R.string.complete))
                }
            }
            InspectionStage.DONE -> SectionTitle(word(R.string.inspection_done))
        }
    }
}

@Composable
private fun ChecklistItemCard(app: AppServices, item: InspectionItem, focused: Boolean, send: (InspectionEvent) -> Unit) {
    Card(Modifier.fillMaxWidth().padding(vertical = 4.dp)) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
            Text(item.label + if (item.required) " *" else "", color = if (focused) MaterialTheme.colorScheme.error else MaterialTheme.colorScheme.onSurface)
            when (item.kind) {
                // The three answer buttons are the shell's chrome; what a failure means is the core's.
                InspectionItemKind.PASS_FAIL_NA -> Choices(
                    listOf("pass" to word(R.string.answer_pass), "fail" to word(R.string.answer_fail),
                        "na" to word(R.string.answer_na)),
                    item.text,
                ) { send(InspectionEvent.AnswerText(item.id, it)) }
                InspectionItemKind.SINGLE_CHOICE ->
                    Choices(item.choices.map { it.value to it.label }, item.text) { send(InspectionEvent.AnswerText(item.id, it)) }
                InspectionItemKind.MULTI_CHOICE -> item.choices.forEach { c ->
                    Row(verticalAlignment = Alignment.CenterVertically) {
                        Checkbox(checked = c.value in item.values, onCheckedChange = { on ->
                            send(InspectionEvent.AnswerChoices(item.id, if (on) item.values + c.value else item.values - c.value))
                        })
                        Text(c.label)
                    }
                }
                InspectionItemKind.NUMBER -> {
                    // Sent when the worker is done typing (leaving the field), not per keystroke.
                    var text by remember(item.number) { mutableStateOf(item.number?.toString() ?: "") }
                    FieldInput(item.label, text, null, { text = it }, keyboard = KeyboardType.Decimal,
                        modifier = Modifier.onFocusChanged { f ->
                            val n = text.toDoubleOrNull()
                            if (!f.isFocused && n != null && n != item.number) send(InspectionEvent.AnswerNumber(item.id, n))
                        })
                }
                InspectionItemKind.TEXT -> {
                    var text by remember(item.text) { mutableStateOf(item.text ?: "") }
                    FieldInput(item.label, text, null, { text = it }, singleLine = false,
                        modifier = Modifier.onFocusChanged { f ->
                            if (!f.isFocused && text != (item.text ?: "")) send(InspectionEvent.AnswerText(item.id, text))
                        })
                }
                InspectionItemKind.PHOTO -> {}
            }
            if (item.kind == InspectionItemKind.PHOTO || item.photoRequired || item.text != null) {
                OutlinedButton(onClick = { send(InspectionEvent.TakePhoto(item.id)) }) { Text(word(R.string.take_photo)) }
                if (item.photos.isNotEmpty()) Text(word(R.string.photos_n, item.photos.size))
                // Taken on this phone (a run is one worker's): thumbnails, nothing to fetch.
                PhotoRow(app, item.photos.map { PhotoThumb(it, true) })
            }
            if (item.failed) {
                item.caseText?.let { Text(it, color = MaterialTheme.colorScheme.primary) }
                if (item.caseId == null) {
                    OutlinedButton(onClick = { send(InspectionEvent.RaiseCase(item.id, "")) }) { Text(word(R.string.raise_hazard)) }
                    var note by remember(item.note) { mutableStateOf(item.note ?: "") }
                    FieldInput(word(R.string.fail_note), note, null, { note = it },
                        modifier = Modifier.onFocusChanged { f ->
                            if (!f.isFocused && note != (item.note ?: "")) send(InspectionEvent.Note(item.id, note))
                        })
                } else {
                    LinkButton(word(R.string.undo)) { send(InspectionEvent.DropCase(item.id)) }
                }
            }
            item.problem?.let { Text(it, color = MaterialTheme.colorScheme.error) }
        }
    }
}

@Composable
fun CaseDetailScreen(app: AppServices, caseId: String, performer: EffectPerformer) {
    // Its photo fetch needs the screen object, which CaseDetailModel holds beside the model.
    val vm: ModelVm<CaseDetailEvent, CaseDetailView> = viewModel(key = "case/$caseId", factory = viewModelFactory {
        initializer { app.screens.caseDetailModel(caseId).let { ModelVm(it.model, owner = it) } }
    })
    val detail = vm.owner as CaseDetailModel
    val v = vm.collect(performer, Answers(
        photoTaken = { _, path -> CaseDetailEvent.PhotoTaken(path) },
        fetchPhotos = { detail.fetchPhotos() },
    ))
    LaunchedEffect(Unit) { vm.model.send(CaseDetailEvent.Load(now())) }
    Column(Modifier.fillMaxSize().verticalScroll(rememberScrollState()).padding(16.dp), verticalArrangement = Arrangement.spacedBy(6.dp)) {
        Banner(v.error.takeIf { v.errorField == null })
        vm.failureLine()
        SectionTitle(v.title)
        Text(v.description)
        Text(v.stateLabel + " · " + v.deadlineText, color = if (v.overdue) MaterialTheme.colorScheme.error else MaterialTheme.colorScheme.onSurface)
        if (v.thumbsBefore.isNotEmpty()) Text(word(R.string.photos_before) + " · " + word(R.string.photos_n, v.thumbsBefore.size))
        PhotoRow(app, v.thumbsBefore)
        if (v.thumbsAfter.isNotEmpty()) Text(word(R.string.photos_after) + " · " + word(R.string.photos_n, v.thumbsAfter.size))
        PhotoRow(app, v.thumbsAfter)
        PhotoFetchLine(v.photoFetch) { vm.send(CaseDetailEvent.FetchPhotos) }
        SectionTitle(word(R.string.timeline))
        v.timeline.forEach { t ->
            val line = "${t.at} · ${t.action} · ${t.by}" + listOf(t.note, t.reason).filter { it.isNotBlank() }.joinToString("；", prefix = " ")
            Text(line, color = if (t.superseded) MaterialTheme.colorScheme.outline else MaterialTheme.colorScheme.onSurface)
        }
        if (v.actions.isNotEmpty()) {
            FieldInput(word(R.string.case_note), v.note, errorAt(v.errorField, v.error, "note"), { vm.send(CaseDetailEvent.Note(it)) }, singleLine = false)
            FieldInput(word(R.string.case_reason), v.reason, errorAt(v.errorField, v.error, "reason"), { vm.send(CaseDetailEvent.Reason(it)) })
            Choices(
                listOf(CaseEscalation.COMMUNITY to word(R.string.escalate_community), CaseEscalation.STREET to word(R.string.escalate_street)),
                v.escalateTo,
            ) { vm.send(CaseDetailEvent.EscalateTo(it)) }
            errorAt(v.errorField, v.error, "escalate_to")?.let { Text(it, color = MaterialTheme.colorScheme.error) }
            OutlinedButton(onClick = { vm.send(CaseDetailEvent.TakePhoto) }) { Text(word(R.string.add_case_photo)) }
            if (v.photos.isNotEmpty()) Text(word(R.string.photos_n, v.photos.size))
            Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                v.actions.forEach { a -> Button(onClick = { vm.send(CaseDetailEvent.Act(a.action)) }) { Text(a.label) } }
            }
        }
    }
}

@Composable
fun CaseReportScreen(
    app: AppServices,
    grid: String,
    performer: EffectPerformer,
    about: CaseReportSubjectKind? = null,
    subjectId: String? = null,
) {
    // One model per subject: a report about one shop must not reopen as another's.
    val vm = rememberModel("case/new/${subjectId ?: ""}") { app.screens.caseReport(grid, about, subjectId) }
    val v = vm.collect(performer, Answers(photoTaken = { _, path -> CaseReportEvent.PhotoTaken(path) }))
    LaunchedEffect(Unit) { vm.model.send(CaseReportEvent.Load) }
    Column(Modifier.fillMaxSize().verticalScroll(rememberScrollState()).padding(16.dp), verticalArrangement = Arrangement.spacedBy(6.dp)) {
        SectionTitle(word(R.string.report_case))
        if (v.restoredDraft) Text(word(R.string.draft_restored))
        Banner(v.error.takeIf { v.errorField == null })
        vm.failureLine()
        v.subject?.let { Text(it) }
        Choices(v.categories.map { it.category to it.label }, v.category) { vm.send(CaseReportEvent.Category(it)) }
        Choices(v.severities.map { it.severity to it.label }, v.severity) { vm.send(CaseReportEvent.Severity(it)) }
        FieldInput(word(R.string.case_description), v.description, errorAt(v.errorField, v.error, "description"),
            { vm.send(CaseReportEvent.Description(it)) }, singleLine = false)
        OutlinedButton(onClick = { vm.send(CaseReportEvent.TakePhoto) }) { Text(word(R.string.take_photo)) }
        v.photos.forEachIndexed { i, _ ->
            LinkButton(word(R.string.remove_photo, i + 1)) { vm.send(CaseReportEvent.RemovePhoto(i.toUInt())) }
        }
        Button(onClick = { vm.send(CaseReportEvent.Submit) }, enabled = v.savedId == null, modifier = Modifier.fillMaxWidth()) {
            Text(word(R.string.save))
        }
    }
}

@Composable
fun MediationScreen(app: AppServices, grid: String, mediationId: String?, performer: EffectPerformer) {
    val vm = rememberModel("mediation/${mediationId ?: "new"}") { app.screens.mediation(grid, mediationId) }
    val v = vm.collect(performer, Answers(signed = { party, path -> MediationEvent.Signed(party, path) }))
    LaunchedEffect(Unit) { vm.model.send(MediationEvent.Load(now())) }
    fun error(field: String) = errorAt(v.errorField, v.error, field)
    fun field(path: String) = { value: String -> vm.send(MediationEvent.Field(path, value)) }
    Column(Modifier.fillMaxSize().verticalScroll(rememberScrollState()).padding(16.dp), verticalArrangement = Arrangement.spacedBy(6.dp)) {
        SectionTitle(word(R.string.mediation_new))
        if (v.restoredDraft) Text(word(R.string.draft_restored))
        Banner(v.error.takeIf { v.errorField == null })
        vm.failureLine()
        // The view names only the chosen type, risk and result; until it lists the choices,
        // a tap moves to the next one (no wording of the core's kept in the shell).
        Picker(v.disputeLabel, v.disputeChoices.map { it.label }) { vm.send(MediationEvent.DisputeType(v.disputeChoices[it].value)) }
        Picker(v.riskLabel, v.riskChoices.map { it.label }) { vm.send(MediationEvent.Risk(v.riskChoices[it].value)) }
        FieldInput(word(R.string.session_date), v.openedOn, error("opened_on"), field("opened_on"))
        SectionTitle(word(R.string.parties))
        error("parties")?.let { Text(it, color = MaterialTheme.colorScheme.error) }
        v.parties.forEachIndexed { i, p ->
            Card(Modifier.fillMaxWidth()) {
                Column(Modifier.padding(8.dp)) {
                    FieldInput(word(R.string.party_name), p.name, error("parties[$i].name"), field("parties[$i].name"))
                    FieldInput(word(R.string.party_phone), p.phone, error("parties[$i].phone"), field("parties[$i].phone"), keyboard = KeyboardType.Phone)
                    Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                        OutlinedButton(
                            onClick = { vm.send(MediationEvent.AskSignature(p.id)) },
                            modifier = Modifier.semantics { toggleableState = if (p.signed) ToggleableState.On else ToggleableState.Off },
                        ) { Text(word(if (p.signed) R.string.signed else R.string.sign)) }
                        LinkButton(word(R.string.remove_party)) { vm.send(MediationEvent.RemoveParty(i.toUInt())) }
                    }
                }
            }
        }
        OutlinedButton(onClick = { vm.send(MediationEvent.AddParty) }) { Text(word(R.string.add_party)) }
        FieldInput(word(R.string.narrative), v.narrative, error("narrative"), field("narrative"), singleLine = false)
        SectionTitle(word(R.string.sessions))
        v.sessions.forEachIndexed { i, x ->
            FieldInput(word(R.string.session_date), x.date, error("sessions[$i].date"), field("sessions[$i].date"))
            FieldInput(word(R.string.session_outcome), x.outcome, error("sessions[$i].outcome"), field("sessions[$i].outcome"), singleLine = false)
        }
        OutlinedButton(onClick = { vm.send(MediationEvent.AddSession) }) { Text(word(R.string.add_session)) }
        SectionTitle(word(R.string.result))
        Picker(v.resultLabel ?: word(R.string.result), v.resultChoices.map { it.label }) {
            vm.send(MediationEvent.Result(v.resultChoices[it].value))
        }
        FieldInput(word(R.string.agreement), v.agreementText, error("agreement_text"), field("agreement_text"), singleLine = false)
        Button(onClick = { vm.send(MediationEvent.Save) }, modifier = Modifier.fillMaxWidth()) { Text(word(R.string.save)) }
    }
}

/** The chosen value and the core's choices, worded by it; [onChoose] gets the index picked. */
@Composable
private fun Picker(label: String, choices: List<String>, onChoose: (Int) -> Unit) {
    var open by remember { mutableStateOf(false) }
    Box {
        OutlinedButton(onClick = { open = true }) { Text("$label ▾") }
        DropdownMenu(expanded = open, onDismissRequest = { open = false }) {
            choices.forEachIndexed { i, choice ->
                DropdownMenuItem(text = { Text(choice) }, onClick = { open = false; onChoose(i) })
            }
        }
    }
}
