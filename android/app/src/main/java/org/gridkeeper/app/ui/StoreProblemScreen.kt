package org.gridkeeper.app.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.unit.dp
import org.gridkeeper.screens.StoreProblemView

/**
 * Shown instead of the app when the worker's store cannot be opened at all: what happened and
 * what to do, in the core's words. [onStartOver] is offered only when the core says waiting
 * cannot help (the key is gone for good).
 */
@Composable
fun StoreProblemScreen(view: StoreProblemView, onRetry: () -> Unit, onStartOver: () -> Unit) {
    Column(
        Modifier.fillMaxSize().verticalScroll(rememberScrollState()).padding(24.dp),
        verticalArrangement = Arrangement.spacedBy(12.dp),
    ) {
        SectionTitle(view.title)
        Banner(view.detail)
        view.steps.forEachIndexed { i, step -> Text("${i + 1}. $step", style = MaterialTheme.typography.bodyLarge) }
        Button(onClick = onRetry, modifier = Modifier.fillMaxWidth()) { Text(view.retry) }
        view.startOver?.let { label ->
            OutlinedButton(onClick = onStartOver, modifier = Modifier.fillMaxWidth()) { Text(label) }
        }
    }
}
