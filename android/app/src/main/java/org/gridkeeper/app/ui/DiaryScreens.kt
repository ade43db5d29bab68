package org.gridkeeper.app.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.ui.Modifier
import androidx.compose.ui.unit.dp
import org.gridkeeper.app.AppServices
import org.gridkeeper.app.EffectPerformer
import org.gridkeeper.screens.*

// iOS twin: ios/App/Sources/UI/DiaryPage.swift

/** 民情日志: today written from the worker's records, corrected, then submitted as theirs. */
@Composable
@OptIn(ExperimentalLayoutApi::class)
fun DiaryPage(app: AppServices, grid: String, performer: EffectPerformer) {
    val vm = rememberModel("diary") { app.screens.diary(grid) }
    val v = vm.collect(performer)
    LaunchedEffect(Unit) { vm.model.send(DiaryEvent.Load(System.currentTimeMillis() / 1000)) }
    fun edit(part: DiaryPart) = { text: String -> vm.send(DiaryEvent.Edit(part, text)) }
    Column(
        Modifier.fillMaxSize().verticalScroll(rememberScrollState()).padding(16.dp),
        verticalArrangement = Arrangement.spacedBy(4.dp),
    ) {
        SectionTitle(v.title)
        Banner(v.error)
        vm.failureLine()
        Text(
            v.status,
            color = if (v.submitted) MaterialTheme.colorScheme.primary else MaterialTheme.colorScheme.onSurfaceVariant,
        )
        v.emptyText?.let { Text(it) }
        FieldInput(v.visitedLabel, v.visited, null, edit(DiaryPart.VISITED), singleLine = false, enabled = !v.loading)
        FieldInput(v.problemsLabel, v.problems, null, edit(DiaryPart.PROBLEMS), singleLine = false, enabled = !v.loading)
        FieldInput(v.measuresLabel, v.measures, null, edit(DiaryPart.MEASURES), singleLine = false, enabled = !v.loading)
        FieldInput(v.resultsLabel, v.results, null, edit(DiaryPart.RESULTS), singleLine = false, enabled = !v.loading)
        FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            Button(
                onClick = { vm.send(DiaryEvent.Submit(System.currentTimeMillis() / 1000)) },
                enabled = !v.loading && !v.submitted,
            ) { Text(v.submitLabel) }
            OutlinedButton(onClick = { vm.send(DiaryEvent.Rewrite) }) { Text(v.rewriteLabel) }
        }
    }
}
