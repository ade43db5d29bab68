package org.gridkeeper.app.glue

import android.content.Context
import android.graphics.Bitmap
import android.graphics.BitmapFactory
import android.net.Uri
import androidx.activity.compose.rememberLauncherForActivityResult
import androidx.activity.result.PickVisualMediaRequest
import androidx.activity.result.contract.ActivityResultContracts
import androidx.compose.runtime.Composable
import androidx.compose.runtime.remember
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.mutableStateOf
import androidx.compose.ui.platform.LocalContext
import androidx.core.content.FileProvider
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import java.io.ByteArrayOutputStream
import java.io.File
import java.util.UUID

/** Launchers for the camera and the system photo picker (no storage permission needed). */
class PhotoSource(val takePhoto: () -> Unit, val pickPhoto: () -> Unit)

/**
 * A photo from the camera or the picker, handed on as JPEG bytes no larger than needed:
 * a 2 GB phone should not hold a 12-megapixel photo in memory, nor sync one over 3G.
 */
@Composable
fun rememberPhotoSource(onPhoto: suspend (ByteArray) -> Unit, launch: (suspend () -> Unit) -> Unit): PhotoSource {
    val context = LocalContext.current
    // Kept across process death: the camera app may outlive ours.
    val pending = rememberSaveable { mutableStateOf<String?>(null) }
    val camera = rememberLauncherForActivityResult(ActivityResultContracts.TakePicture()) { saved ->
        val path = pending.value ?: return@rememberLauncherForActivityResult
        pending.value = null
        val file = File(path)
        if (saved) launch { PhotoBytes.fromFile(file)?.let { onPhoto(it) }; file.delete() } else file.delete()
    }
    val picker = rememberLauncherForActivityResult(ActivityResultContracts.PickVisualMedia()) { uri ->
        if (uri != null) launch { PhotoBytes.fromUri(context, uri)?.let { onPhoto(it) } }
    }
    return remember {
        PhotoSource(
            takePhoto = {
                val dir = File(context.cacheDir, "captures").apply { mkdirs() }
                val file = File(dir, UUID.randomUUID().toString() + ".jpg")
                pending.value = file.path
                camera.launch(FileProvider.getUriForFile(context, context.packageName + ".photos", file))
            },
            pickPhoto = {
                picker.launch(PickVisualMediaRequest(ActivityResultContracts.PickVisualMedia.ImageOnly))
            },
        )
    }
}

object PhotoBytes {
    private const val MAX_EDGE = 1600

    suspend fun fromFile(file: File): ByteArray? = withContext(Dispatchers.IO) {
        decode { opts -> BitmapFactory.decodeFile(file.path, opts) }
    }

    suspend fun fromUri(context: Context, uri: Uri): ByteArray? = withContext(Dispatchers.IO) {
        decode { opts -> context.contentResolver.openInputStream(uri)?.use { BitmapFactory.decodeStream(it, null, opts) } }
    }

    /** Decodes at a power-of-two scale that keeps the long edge near [MAX_EDGE], then JPEG 85. */
    private fun decode(read: (BitmapFactory.Options) -> Bitmap?): ByteArray? {
        val bounds = BitmapFactory.Options().apply { inJustDecodeBounds = true }
        read(bounds)
        if (bounds.outWidth <= 0 || bounds.outHeight <= 0) return null
        var sample = 1
        while (maxOf(bounds.outWidth, bounds.outHeight) / (sample * 2) >= MAX_EDGE) sample *= 2
        val bitmap = read(BitmapFactory.Options().apply { inSampleSize = sample }) ?: return null
        return ByteArrayOutputStream().use { out ->
            bitmap.compress(Bitmap.CompressFormat.JPEG, 85, out)
            bitmap.recycle()
            out.toByteArray()
        }
    }
}
