package org.gridkeeper.app.glue

import org.gridkeeper.app.ui.word
import androidx.activity.compose.rememberLauncherForActivityResult
import androidx.activity.result.PickVisualMediaRequest
import androidx.activity.result.contract.ActivityResultContracts
import androidx.compose.material3.AlertDialog
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.platform.LocalContext
import androidx.core.content.FileProvider
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.launch
import org.gridkeeper.app.PhotoTaker
import org.gridkeeper.app.R
import java.io.File
import java.util.UUID

/**
 * Performs TakePhoto: asks camera or picker, and hands back a downscaled JPEG in the cache
 * for the core to store (the caller deletes it once the core has). Call [Chooser] once in
 * the app's root composition.
 */
class ComposePhotoTaker : PhotoTaker {
    internal var asking by mutableStateOf<CompletableDeferred<File?>?>(null)

    override suspend fun take(): File? {
        val answer = CompletableDeferred<File?>()
        asking = answer
        return try { answer.await() } finally { asking = null }
    }

    /** The choice of camera or picker while a screen waits for a photo. */
    @Composable
    fun Chooser() {
        val context = LocalContext.current
        val scope = rememberCoroutineScope()
        // Kept across process death: the camera app may outlive ours.
        val pending = rememberSaveable { mutableStateOf<String?>(null) }
        fun finish(file: File?) {
            asking?.complete(file)
        }
        val camera = rememberLauncherForActivityResult(ActivityResultContracts.TakePicture()) { saved ->
            val path = pending.value ?: return@rememberLauncherForActivityResult
            pending.value = null
            val raw = File(path)
            if (!saved) { raw.delete(); finish(null); return@rememberLauncherForActivityResult }
            scope.launch { finish(PhotoBytes.fromFile(raw)?.let { PhotoBytes.write(context, it) }); raw.delete() }
        }
        val picker = rememberLauncherForActivityResult(ActivityResultContracts.PickVisualMedia()) { uri ->
            if (uri == null) finish(null)
            else scope.launch { finish(PhotoBytes.fromUri(context, uri)?.let { PhotoBytes.write(context, it) }) }
        }
        val waiting = asking ?: return
        if (pending.value != null) return
        AlertDialog(
            onDismissRequest = { waiting.complete(null) },
            confirmButton = {
                TextButton(onClick = {
                    val dir = File(context.cacheDir, "captures").apply { mkdirs() }
                    val file = File(dir, UUID.randomUUID().toString() + ".jpg")
                    pending.value = file.path
                    camera.launch(FileProvider.getUriForFile(context, context.packageName + ".photos", file))
                }) { Text(word(R.string.take_photo)) }
            },
            dismissButton = {
                TextButton(onClick = {
                    picker.launch(PickVisualMediaRequest(ActivityResultContracts.PickVisualMedia.ImageOnly))
                }) { Text(word(R.string.pick_photo)) }
            },
        )
    }
}
