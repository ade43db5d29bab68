package org.gridkeeper.app.ui

import android.Manifest
import androidx.activity.compose.rememberLauncherForActivityResult
import androidx.activity.result.contract.ActivityResultContracts
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
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.focus.onFocusChanged
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.platform.LocalFocusManager
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.semantics.toggleableState
import androidx.compose.ui.state.ToggleableState
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.unit.dp
import kotlinx.coroutines.launch
import org.gridkeeper.AnswerValue
import org.gridkeeper.CaseCategory
import org.gridkeeper.DisputeType
import org.gridkeeper.EscalationLevel
import org.gridkeeper.ItemType
import org.gridkeeper.MediationResult
import org.gridkeeper.RiskLevel
import org.gridkeeper.Subject
import org.gridkeeper.SubjectKind
import org.gridkeeper.VisitPurpose
import org.gridkeeper.app.GridkeeperApp
import org.gridkeeper.app.R
import org.gridkeeper.app.glue.Locator
import org.gridkeeper.app.glue.SignaturePad
import org.gridkeeper.app.glue.SignatureStrokes
import org.gridkeeper.app.glue.rememberPhotoSource
import org.gridkeeper.app.shared.Strings
import org.gridkeeper.app.shared.screens.*

/** Camera and picker buttons side by side, for any form that takes photos. */
@Composable
private fun PhotoButtons(onPhoto: suspend (ByteArray) -> Unit) {
    val scope = rememberCoroutineScope()
    val photos = rememberPhotoSource(onPhoto) { block -> scope.launch { block() } }
    Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
        OutlinedButton(onClick = photos.takePhoto) { Text(stringResource(R.string.take_photo)) }
        OutlinedButton(onClick = photos.pickPhoto) { Text(stringResource(R.string.pick_photo)) }
    }
}

@Composable
fun VisitScreen(app: GridkeeperApp, grid: String, householdId: String, memberId: String?, onDone: () -> Unit) {
    val vm = rememberHolder("visit/$householdId") {
        VisitFormHolder(app.repos, app.drafts, grid, Subject(SubjectKind.HOUSEHOLD, householdId), memberId, app.lang)
    }
    val s = vm.collect { effect -> if (effect is VisitFormEffect.Saved) onDone() }
    LaunchedEffect(Unit) { vm.send(VisitFormEvent.Load) }
    val lang = app.lang
    val context = LocalContext.current
    val scope = rememberCoroutineScope()
    val locate = {
        scope.launch {
            Locator.current(context)?.let { vm.send(VisitFormEvent.Location(it.latitude, it.longitude, it.accuracy.toDouble())) }
        }
    }
    val permission = rememberLauncherForActivityResult(ActivityResultContracts.RequestMultiplePermissions()) { locate() }
    Column(Modifier.fillMaxSize().verticalScroll(rememberScrollState()).padding(16.dp), verticalArrangement = Arrangement.spacedBy(6.dp)) {
        SectionTitle(stringResource(R.string.visit_title))
        if (s.restoredDraft) Text(stringResource(R.string.draft_restored))
        Banner(s.banner)
        Text(stringResource(R.string.visit_purpose))
        Choices(VisitPurpose.values().map { it to Strings.label("purpose", it, lang) }, s.purpose) { vm.send(VisitFormEvent.Purpose(it)) }
        if (s.members.isNotEmpty()) {
            Text(stringResource(R.string.visit_members_seen))
            s.members.forEach { (id, name) ->
                Row(verticalAlignment = Alignment.CenterVertically) {
                    Checkbox(checked = id in s.membersSeen, onCheckedChange = { vm.send(VisitFormEvent.ToggleMember(id)) })
                    Text(name)
                }
            }
        }
        FieldInput(stringResource(R.string.visit_findings), s.findings, s.errors["findings"], { vm.send(VisitFormEvent.Findings(it)) }, singleLine = false)
        PhotoButtons { bytes -> vm.send(VisitFormEvent.Photo(bytes, "image/jpeg")) }
        if (s.photos.isNotEmpty()) Text(stringResource(R.string.photos_n, s.photos.size))
        OutlinedButton(onClick = {
            if (Locator.permitted(context)) locate()
            else permission.launch(arrayOf(Manifest.permission.ACCESS_FINE_LOCATION, Manifest.permission.ACCESS_COARSE_LOCATION))
        }) { Text(stringResource(R.string.locate)) }
        s.location?.let { Text(stringResource(R.string.located, (it.accuracyM ?: 0.0).toInt())) }
        s.errors["location"]?.let { Text(it, color = MaterialTheme.colorScheme.error) }
        Row(verticalAlignment = Alignment.CenterVertically) {
            Switch(checked = s.raiseCase, onCheckedChange = { vm.send(VisitFormEvent.RaiseCase(it)) })
            Text(stringResource(R.string.raise_case), Modifier.padding(start = 8.dp))
        }
        if (s.raiseCase) {
            Choices(CaseCategory.values().map { it to Strings.label("category", it, lang) }, s.caseCategory) {
                vm.send(VisitFormEvent.CaseCategoryChosen(it))
            }
            FieldInput(stringResource(R.string.case_description), s.caseDescription, s.errors["description"],
                { vm.send(VisitFormEvent.CaseDescription(it)) }, singleLine = false)
        }
        Button(onClick = { vm.send(VisitFormEvent.Save) }, modifier = Modifier.fillMaxWidth()) { Text(stringResource(R.string.save)) }
    }
}

@Composable
fun InspectionScreen(app: GridkeeperApp, grid: String, placeId: String?, onCase: (String) -> Unit) {
    val vm = rememberHolder("inspection") { InspectionHolder(app.repos, app.drafts, grid, app.lang) }
    val s = vm.collect { effect -> if (effect is InspectionEffect.CaseRaised) onCase(effect.caseId) }
    val focus = LocalFocusManager.current
    LaunchedEffect(placeId) {
        vm.send(InspectionEvent.Load)
        if (placeId != null) vm.send(InspectionEvent.PickPlace(placeId))
    }
    Column(Modifier.fillMaxSize().verticalScroll(rememberScrollState()).padding(16.dp), verticalArrangement = Arrangement.spacedBy(6.dp)) {
        Banner(s.banner)
        when (s.stage) {
            InspectionStage.PICK_PLACE -> {
                SectionTitle(stringResource(R.string.inspection_pick_place))
                s.places.forEach { p ->
                    OutlinedButton(onClick = { vm.send(InspectionEvent.PickPlace(p.id)) }, modifier = Modifier.fillMaxWidth()) {
                        Text("${p.name} · ${p.address}")
                    }
                }
            }
            InspectionStage.PICK_TEMPLATE -> {
                SectionTitle(stringResource(R.string.inspection_pick_template) + " · " + s.placeName)
                s.templates.forEach { t ->
                    OutlinedButton(onClick = { vm.send(InspectionEvent.PickTemplate(t.id, t.version)) }, modifier = Modifier.fillMaxWidth()) {
                        Text(t.title)
                    }
                }
            }
            InspectionStage.RUN -> {
                SectionTitle(s.title + " · " + s.placeName)
                var section = ""
                s.items.forEach { item ->
                    if (item.section != section) {
                        section = item.section
                        Text(section, style = MaterialTheme.typography.titleSmall, modifier = Modifier.padding(top = 8.dp))
                    }
                    ChecklistItemCard(item, vm::send)
                }
                // Leaving the last input first sends its answer, which the rules then count.
                Button(onClick = { focus.clearFocus(); vm.send(InspectionEvent.Complete) }, enabled = s.canComplete, modifier = Modifier.fillMaxWidth()) {
                    Text(stringResource(R.string.complete))
                }
            }
            InspectionStage.DONE -> SectionTitle(stringResource(R.string.inspection_done))
        }
    }
}

@Composable
private fun ChecklistItemCard(item: ItemView, send: (InspectionEvent) -> Unit) {
    Card(Modifier.fillMaxWidth().padding(vertical = 4.dp)) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
            Text(item.label + if (item.required) " *" else "")
            when (item.type) {
                ItemType.PASS_FAIL_NA -> Choices(
                    listOf("pass" to stringResource(R.string.answer_pass), "fail" to stringResource(R.string.answer_fail), "na" to stringResource(R.string.answer_na)),
                    (item.answer as? AnswerValue.Text)?.text,
                ) { send(InspectionEvent.AnswerText(item.id, it)) }
                ItemType.SINGLE_CHOICE -> Choices(item.choices, (item.answer as? AnswerValue.Text)?.text) {
                    send(InspectionEvent.AnswerText(item.id, it))
                }
                ItemType.MULTI_CHOICE -> {
                    val chosen = (item.answer as? AnswerValue.Items)?.items ?: emptyList()
                    item.choices.forEach { (value, label) ->
                        Row(verticalAlignment = Alignment.CenterVertically) {
                            Checkbox(checked = value in chosen, onCheckedChange = { on ->
                                send(InspectionEvent.AnswerChoices(item.id, if (on) chosen + value else chosen - value))
                            })
                            Text(label)
                        }
                    }
                }
                ItemType.NUMBER -> {
                    // Sent when the worker is done typing (the keyboard's done, or leaving the field).
                    var text by remember(item.answer) { mutableStateOf((item.answer as? AnswerValue.Number)?.number?.toString() ?: "") }
                    val range = listOfNotNull(item.min?.let { "≥ $it" }, item.max?.let { "≤ $it" }).joinToString(" ")
                    FieldInput(if (range.isEmpty()) item.label else stringResource(R.string.number_range, range), text, null,
                        { text = it }, keyboard = KeyboardType.Decimal,
                        modifier = Modifier.onFocusChanged { focus ->
                            val n = text.toDoubleOrNull()
                            if (!focus.isFocused && n != null && n != (item.answer as? AnswerValue.Number)?.number) {
                                send(InspectionEvent.AnswerNumber(item.id, n))
                            }
                        })
                }
                ItemType.TEXT -> {
                    var text by remember(item.answer) { mutableStateOf((item.answer as? AnswerValue.Text)?.text ?: "") }
                    FieldInput(item.label, text, null, { text = it }, singleLine = false,
                        modifier = Modifier.onFocusChanged { focus ->
                            if (!focus.isFocused && text != (item.answer as? AnswerValue.Text)?.text) send(InspectionEvent.AnswerText(item.id, text))
                        })
                }
                ItemType.PHOTO -> {}
            }
            if (item.type == ItemType.PHOTO || item.photoRequired || item.answer != null) {
                PhotoButtons { bytes -> send(InspectionEvent.Photo(item.id, bytes, "image/jpeg")) }
                if (item.photos.isNotEmpty()) Text(stringResource(R.string.photos_n, item.photos.size))
            }
            if (item.failed) {
                if (item.caseId != null) {
                    Text(stringResource(R.string.hazard_raised), color = MaterialTheme.colorScheme.primary)
                } else {
                    OutlinedButton(onClick = { send(InspectionEvent.RaiseCase(item.id, "")) }) { Text(stringResource(R.string.raise_hazard)) }
                    var note by remember(item.note) { mutableStateOf(item.note ?: "") }
                    FieldInput(stringResource(R.string.fail_note), note, null, { note = it },
                        modifier = Modifier.onFocusChanged { focus ->
                            if (!focus.isFocused && note != (item.note ?: "")) send(InspectionEvent.Note(item.id, note))
                        })
                }
            }
            item.problem?.let { Text(it, color = MaterialTheme.colorScheme.error) }
        }
    }
}

@Composable
fun CaseDetailScreen(app: GridkeeperApp, caseId: String) {
    val vm = rememberHolder("case/$caseId") { CaseDetailHolder(app.repos, caseId, app.lang) }
    val s = vm.collect()
    LaunchedEffect(Unit) { vm.send(CaseDetailEvent.Load) }
    Column(Modifier.fillMaxSize().verticalScroll(rememberScrollState()).padding(16.dp), verticalArrangement = Arrangement.spacedBy(6.dp)) {
        Banner(s.banner)
        SectionTitle(s.title)
        Text(s.description)
        Text(s.stateLabel + " · " + stringResource(R.string.deadline, s.deadline),
            color = if (s.overdue) MaterialTheme.colorScheme.error else MaterialTheme.colorScheme.onSurface)
        if (s.photosBefore.isNotEmpty()) Text(stringResource(R.string.photos_before) + " · " + stringResource(R.string.photos_n, s.photosBefore.size))
        if (s.photosAfter.isNotEmpty()) Text(stringResource(R.string.photos_after) + " · " + stringResource(R.string.photos_n, s.photosAfter.size))
        SectionTitle(stringResource(R.string.timeline))
        s.timeline.forEach { t ->
            Text("${t.at} · ${t.action} · ${t.by}" + listOf(t.note, t.reason).filter { it.isNotBlank() }.joinToString("；", prefix = " "))
        }
        if (s.actions.isNotEmpty()) {
            FieldInput(stringResource(R.string.case_note), s.note, s.errors["note"], { vm.send(CaseDetailEvent.Note(it)) }, singleLine = false)
            FieldInput(stringResource(R.string.case_reason), s.reason, s.errors["reason"], { vm.send(CaseDetailEvent.Reason(it)) })
            Choices(listOf(EscalationLevel.COMMUNITY to stringResource(R.string.escalate_community), EscalationLevel.STREET to stringResource(R.string.escalate_street)), s.escalateTo) {
                vm.send(CaseDetailEvent.EscalateTo(it))
            }
            s.errors["escalate_to"]?.let { Text(it, color = MaterialTheme.colorScheme.error) }
            PhotoButtons { bytes -> vm.send(CaseDetailEvent.Photo(bytes, "image/jpeg")) }
            if (s.photos.isNotEmpty()) Text(stringResource(R.string.photos_n, s.photos.size))
            Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                s.actions.forEach { (action, label) ->
                    Button(onClick = { vm.send(CaseDetailEvent.Act(action)) }) { Text(label) }
                }
            }
        }
    }
}

@Composable
fun MediationScreen(app: GridkeeperApp, grid: String, mediationId: String?, onDone: () -> Unit) {
    val vm = rememberHolder("mediation/${mediationId ?: "new"}") { MediationHolder(app.repos, app.drafts, grid, mediationId, app.lang) }
    val s = vm.collect { effect -> if (effect is MediationEffect.Saved) onDone() }
    LaunchedEffect(Unit) { vm.send(MediationEvent.Load) }
    val lang = app.lang
    var signing by remember { mutableStateOf<String?>(null) }
    fun field(path: String) = { v: String -> vm.send(MediationEvent.Field(path, v)) }
    Column(Modifier.fillMaxSize().verticalScroll(rememberScrollState()).padding(16.dp), verticalArrangement = Arrangement.spacedBy(6.dp)) {
        SectionTitle(stringResource(R.string.mediation_new))
        if (s.restoredDraft) Text(stringResource(R.string.draft_restored))
        Banner(s.banner)
        Choices(DisputeType.values().map { it to Strings.label("dispute", it, lang) }, s.disputeType) { vm.send(MediationEvent.DisputeTypeChosen(it)) }
        Choices(RiskLevel.values().map { it to Strings.label("risk", it, lang) }, s.riskLevel) { vm.send(MediationEvent.RiskChosen(it)) }
        FieldInput(stringResource(R.string.session_date), s.openedOn, s.errors["opened_on"], field("opened_on"))
        SectionTitle(stringResource(R.string.parties))
        Banner(s.errors["parties"])
        s.parties.forEachIndexed { i, p ->
            Card(Modifier.fillMaxWidth()) {
                Column(Modifier.padding(8.dp)) {
                    FieldInput(stringResource(R.string.party_name), p.name, s.errors["parties[$i].name"], field("parties[$i].name"))
                    FieldInput(stringResource(R.string.party_phone), p.phone, s.errors["parties[$i].phone"], field("parties[$i].phone"), keyboard = KeyboardType.Phone)
                    val signed = p.id in s.signatures
                    OutlinedButton(
                        onClick = { signing = p.id },
                        modifier = Modifier.semantics { toggleableState = if (signed) ToggleableState.On else ToggleableState.Off },
                    ) { Text(stringResource(if (signed) R.string.signed else R.string.sign)) }
                    if (signing == p.id) SignatureDialogContent(onDone = { png -> vm.send(MediationEvent.Sign(p.id, png)); signing = null })
                }
            }
        }
        OutlinedButton(onClick = { vm.send(MediationEvent.AddParty) }) { Text(stringResource(R.string.add_party)) }
        FieldInput(stringResource(R.string.narrative), s.narrative, s.errors["narrative"], field("narrative"), singleLine = false)
        SectionTitle(stringResource(R.string.sessions))
        s.sessions.forEachIndexed { i, x ->
            FieldInput(stringResource(R.string.session_date), x.date, s.errors["sessions[$i].date"], field("sessions[$i].date"))
            FieldInput(stringResource(R.string.session_outcome), x.outcome, s.errors["sessions[$i].outcome"], field("sessions[$i].outcome"), singleLine = false)
        }
        OutlinedButton(onClick = { vm.send(MediationEvent.AddSession) }) { Text(stringResource(R.string.add_session)) }
        SectionTitle(stringResource(R.string.result))
        Choices(MediationResult.values().map { it to Strings.label("result", it, lang) }, s.result) { vm.send(MediationEvent.ResultChosen(it)) }
        FieldInput(stringResource(R.string.agreement), s.agreementText, s.errors["agreement_text"], field("agreement_text"), singleLine = false)
        Button(onClick = { vm.send(MediationEvent.Save) }, modifier = Modifier.fillMaxWidth()) { Text(stringResource(R.string.save)) }
    }
}

@Composable
private fun SignatureDialogContent(onDone: (ByteArray) -> Unit) {
    val strokes = remember { SignatureStrokes() }
    val description = stringResource(R.string.signature_pad)
    Text(description)
    SignaturePad(strokes, description)
    Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
        OutlinedButton(onClick = { strokes.clear() }) { Text(stringResource(R.string.clear)) }
        Button(onClick = { if (!strokes.isEmpty) onDone(strokes.toPng()) }) { Text(stringResource(R.string.done)) }
    }
}
