package org.gridkeeper.app.ui

import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
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
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.LiveRegionMode
import androidx.compose.ui.semantics.liveRegion
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.dp
import kotlinx.coroutines.delay
import org.gridkeeper.app.GridkeeperApp
import org.gridkeeper.app.MainActivity
import org.gridkeeper.app.R
import org.gridkeeper.app.shared.screens.SyncEffect
import org.gridkeeper.app.shared.screens.SyncEvent
import org.gridkeeper.app.shared.screens.SyncHolder

/** Always on screen: what is waiting to be sent, the last sync, and the last failure in words. */
@Composable
fun SyncBar(app: GridkeeperApp) {
    val vm = rememberHolder("sync") { SyncHolder(app.repos, app.lang) }
    val activity = LocalContext.current as? MainActivity
    val s = vm.collect { effect ->
        when (effect) {
            is SyncEffect.SignedOut -> {
                app.signedOut(effect.removed)
                activity?.restartAfterSignOut()
            }
            is SyncEffect.ShareRescue -> activity?.shareRescueFile(java.io.File(effect.path))
            else -> {}
        }
    }
    // The background worker syncs without this screen knowing; look again now and then.
    LaunchedEffect(Unit) {
        while (true) {
            vm.send(SyncEvent.Refresh)
            delay(30_000)
        }
    }
    Surface(tonalElevation = 2.dp, modifier = Modifier.fillMaxWidth().statusBarsPadding()) {
        Column(Modifier.padding(horizontal = 12.dp, vertical = 4.dp)) {
            Row(verticalAlignment = Alignment.CenterVertically) {
                Column(Modifier.weight(1f).semantics { liveRegion = LiveRegionMode.Polite }) {
                    // "3 项未上传，最早的在 5 小时前" says more than the count alone.
                    Text(s.unsyncedText ?: s.pendingText, style = MaterialTheme.typography.bodyMedium)
                    Text(s.lastSyncText, style = MaterialTheme.typography.bodySmall)
                }
                if (s.pending > 0 && !s.running) {
                    // No signal for days: the work leaves by USB or another phone instead.
                    TextButton(onClick = {
                        val dir = java.io.File(app.cacheDir, "rescue").apply { mkdirs() }
                        vm.send(SyncEvent.WriteRescue(java.io.File(dir, "gridkeeper-${System.currentTimeMillis()}.gkrescue").path))
                    }) { Text(stringResource(R.string.write_rescue)) }
                }
                TextButton(onClick = { vm.send(SyncEvent.SignOut) }, enabled = !s.running) { Text(stringResource(R.string.sign_out)) }
                if (s.running) {
                    TextButton(onClick = { (vm.holder as SyncHolder).cancelNow() }) { Text(stringResource(R.string.cancel)) }
                } else {
                    TextButton(onClick = { vm.send(SyncEvent.SyncNow) }) { Text(stringResource(R.string.sync_now)) }
                }
            }
            if (s.running) {
                val p = s.progress
                if (p != null && p.recordsTotal > 0u) {
                    LinearProgressIndicator(progress = { p.recordsDone.toFloat() / p.recordsTotal.toFloat() }, modifier = Modifier.fillMaxWidth())
                } else {
                    LinearProgressIndicator(modifier = Modifier.fillMaxWidth())
                }
            }
            s.overdueWarning?.let { Text(it, color = MaterialTheme.colorScheme.error, style = MaterialTheme.typography.bodyMedium) }
            s.error?.let { Text(it, color = MaterialTheme.colorScheme.error, style = MaterialTheme.typography.bodySmall) }
            s.rescueText?.let { Text(it, style = MaterialTheme.typography.bodySmall) }
            s.recovery?.let {
                Row(verticalAlignment = Alignment.CenterVertically) {
                    Text(it, Modifier.weight(1f), color = MaterialTheme.colorScheme.error, style = MaterialTheme.typography.bodySmall)
                    TextButton(onClick = { vm.send(SyncEvent.DismissRecovery) }) { Text(stringResource(R.string.understood)) }
                }
            }
        }
    }
    s.signOutQuestion?.let { question ->
        AlertDialog(
            onDismissRequest = { vm.send(SyncEvent.KeepSignedIn) },
            text = { Text(question) },
            confirmButton = { TextButton(onClick = { vm.send(SyncEvent.ConfirmSignOut) }) { Text(stringResource(R.string.sign_out)) } },
            dismissButton = { TextButton(onClick = { vm.send(SyncEvent.KeepSignedIn) }) { Text(stringResource(R.string.keep_signed_in)) } },
        )
    }
}
