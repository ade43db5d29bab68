package org.gridkeeper.app.glue

import android.content.Context
import android.graphics.Bitmap
import android.graphics.BitmapFactory
import android.net.Uri
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import java.io.ByteArrayOutputStream
import java.io.File
import java.util.UUID
import kotlin.math.roundToInt

/**
 * A photo as the JPEG bytes the core stores. Framework classes only (no androidx), so
 * scripts/test-android-framework compiles it against android-all and runs it under
 * Robolectric; the camera and picker around it are in Photos.kt.
 */
object PhotoBytes {
    private const val MAX_EDGE = 1600

    suspend fun fromFile(file: File): ByteArray? = withContext(Dispatchers.IO) {
        decode { opts -> BitmapFactory.decodeFile(file.path, opts) }
    }

    suspend fun fromUri(context: Context, uri: Uri): ByteArray? = withContext(Dispatchers.IO) {
        decode { opts -> context.contentResolver.openInputStream(uri)?.use { BitmapFactory.decodeStream(it, null, opts) } }
    }

    /** The bytes as a file in the cache, named by nothing about the person. */
    suspend fun write(context: Context, bytes: ByteArray): File = withContext(Dispatchers.IO) {
        val dir = File(context.cacheDir, "photos").apply { mkdirs() }
        File(dir, UUID.randomUUID().toString() + ".jpg").apply { writeBytes(bytes) }
    }

    /**
     * Decodes at a power-of-two scale (inSampleSize), so a 12-megapixel photo never sits in
     * memory whole, then scales the long edge down to [MAX_EDGE], as the iPhone app does;
     * JPEG 85. Null when the bytes are no image BitmapFactory can read.
     */
    private fun decode(read: (BitmapFactory.Options) -> Bitmap?): ByteArray? {
        val bounds = BitmapFactory.Options().apply { inJustDecodeBounds = true }
        read(bounds)
        if (bounds.outWidth <= 0 || bounds.outHeight <= 0) return null
        var sample = 1
        while (maxOf(bounds.outWidth, bounds.outHeight) / (sample * 2) >= MAX_EDGE) sample *= 2
        val bitmap = fitted(read(BitmapFactory.Options().apply { inSampleSize = sample }) ?: return null)
        return ByteArrayOutputStream().use { out ->
            bitmap.compress(Bitmap.CompressFormat.JPEG, 85, out)
            bitmap.recycle()
            out.toByteArray()
        }
    }

    // Halving alone leaves up to twice MAX_EDGE (a 4000-pixel photo at 2000, a 3100-pixel one
    // untouched): too much to keep and sync over a weak connection.
    private fun fitted(bitmap: Bitmap): Bitmap {
        val long = maxOf(bitmap.width, bitmap.height)
        if (long <= MAX_EDGE) return bitmap
        val w = (bitmap.width * MAX_EDGE.toDouble() / long).roundToInt().coerceAtLeast(1)
        val h = (bitmap.height * MAX_EDGE.toDouble() / long).roundToInt().coerceAtLeast(1)
        val scaled = Bitmap.createScaledBitmap(bitmap, w, h, true)
        if (scaled !== bitmap) bitmap.recycle()
        return scaled
    }
}
