package org.gridkeeper.app.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.statusBarsPadding
import androidx.compose.material3.AlertDialog
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.remember
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.semantics.LiveRegionMode
import androidx.compose.ui.semantics.liveRegion
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.dp
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import org.gridkeeper.app.EffectPerformer
import org.gridkeeper.app.AppServices
import org.gridkeeper.app.R
import org.gridkeeper.screens.SyncEvent
import java.io.File

/** Always on screen: what is waiting to be sent, the last sync, and the last failure in words.
 *  The sync line is the app's one (AppServices.sync), so a triggered or background sync
 *  shows here as one tapped does. */
@OptIn(ExperimentalLayoutApi::class)
@Composable
fun SyncBar(app: AppServices, performer: EffectPerformer) {
    val model = remember { app.sync.model }
    val v = model.collect(performer)
    val scope = rememberCoroutineScope()
    // Watched, so syncs show as they happen; the ages in the words still move with the clock.
    LaunchedEffect(Unit) {
        while (true) {
            model.send(SyncEvent.Refresh)
            delay(60_000)
        }
    }
    Surface(tonalElevation = 2.dp, modifier = Modifier.fillMaxWidth().statusBarsPadding()) {
        Column(Modifier.padding(horizontal = 12.dp, vertical = 4.dp)) {
            // The words on a line of their own and the buttons beneath, wrapping: side by side,
            // three English buttons left the words a column one letter wide.
            Column(Modifier.fillMaxWidth().semantics { liveRegion = LiveRegionMode.Polite }) {
                Text(v.progressText ?: v.pendingText, style = MaterialTheme.typography.bodyMedium)
                Text(v.lastSyncText, style = MaterialTheme.typography.bodySmall)
            }
            FlowRow(Modifier.fillMaxWidth(), horizontalArrangement = Arrangement.End) {
                if (v.pending > 0u && !v.running) {
                    // No signal for days: the work leaves by USB or another phone instead.
                    TextButton(onClick = {
                        val dir = app.rescueDir.apply { mkdirs() }
                        val file = File(dir, "gridkeeper-${System.currentTimeMillis()}.gkrescue")
                        scope.launch { model.send(SyncEvent.WriteRescue(file.path)) }
                    }) { Text(word(R.string.write_rescue)) }
                }
                TextButton(onClick = { scope.launch { model.send(SyncEvent.SignOut) } }, enabled = !v.running) {
                    Text(word(R.string.sign_out))
                }
                if (v.running) {
                    TextButton(onClick = { scope.launch { model.send(SyncEvent.Cancel) } }) { Text(word(R.string.cancel)) }
                } else {
                    TextButton(onClick = { scope.launch { model.send(SyncEvent.SyncNow) } }) { Text(word(R.string.sync_now)) }
                }
            }
            if (v.running) {
                val percent = v.progressPercent
                if (percent != null) {
                    LinearProgressIndicator(progress = { percent.toFloat() / 100f }, modifier = Modifier.fillMaxWidth())
                } else {
                    LinearProgressIndicator(modifier = Modifier.fillMaxWidth())
                }
            }
            v.error?.let { Text(it, color = MaterialTheme.colorScheme.error, style = MaterialTheme.typography.bodySmall) }
            v.refusedText?.let { Text(it, color = MaterialTheme.colorScheme.error, style = MaterialTheme.typography.bodyMedium) }
            v.refused.forEach { Text(it.text, style = MaterialTheme.typography.bodySmall) }
            v.unsyncedText?.let { Text(it, style = MaterialTheme.typography.bodySmall) }
            // Said plainly: a background sync the phone maker killed says nothing by itself.
            v.overdueWarning?.let { Text(it, color = MaterialTheme.colorScheme.error, style = MaterialTheme.typography.bodyMedium) }
            v.recovery?.let {
                Text(it, style = MaterialTheme.typography.bodySmall)
                TextButton(onClick = { scope.launch { model.send(SyncEvent.DismissRecovery) } }) { Text(word(R.string.understood)) }
            }
            // Edits lost to an administrator's erasure: told once, until the worker has read it.
            v.erasureNotice?.let {
                Text(it, color = MaterialTheme.colorScheme.error, style = MaterialTheme.typography.bodyMedium)
                TextButton(onClick = { scope.launch { model.send(SyncEvent.DismissErasureNotices) } }) { Text(word(R.string.understood)) }
            }
            v.rescueText?.let { Text(it, style = MaterialTheme.typography.bodySmall) }
            model.failureLine()
        }
    }
    // The core asks before a sign-out that would leave work unsent on the phone.
    v.signOutQuestion?.let { question ->
        AlertDialog(
            onDismissRequest = { scope.launch { model.send(SyncEvent.KeepSignedIn) } },
            text = { Text(question) },
            confirmButton = { TextButton(onClick = { scope.launch { model.send(SyncEvent.ConfirmSignOut) } }) { Text(word(R.string.sign_out)) } },
            dismissButton = { TextButton(onClick = { scope.launch { model.send(SyncEvent.KeepSignedIn) } }) { Text(word(R.string.keep_signed_in)) } },
        )
    }
}
