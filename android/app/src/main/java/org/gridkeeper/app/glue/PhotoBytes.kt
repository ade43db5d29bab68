package org.gridkeeper.app.glue

import android.content.Context
import android.graphics.Bitmap
import android.graphics.BitmapFactory
import android.graphics.Matrix
import android.media.ExifInterface
import android.net.Uri
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import java.io.ByteArrayOutputStream
import java.io.File
import java.util.UUID

/**
 * A photo as the JPEG bytes the core stores. Framework classes only (no androidx), so
 * scripts/test-android-framework compiles it against android-all and runs it under
 * Robolectric; the camera and picker around it are in Photos.kt.
 */
object PhotoBytes {
    private const val MAX_EDGE = 1600

    suspend fun fromFile(file: File): ByteArray? = withContext(Dispatchers.IO) {
        val orientation = orientation { ExifInterface(file.path) }
        decode(orientation) { opts -> BitmapFactory.decodeFile(file.path, opts) }
    }

    suspend fun fromUri(context: Context, uri: Uri): ByteArray? = withContext(Dispatchers.IO) {
        val orientation = orientation { context.contentResolver.openInputStream(uri)?.use { ExifInterface(it) } }
        decode(orientation) { opts -> context.contentResolver.openInputStream(uri)?.use { BitmapFactory.decodeStream(it, null, opts) } }
    }

    /** The bytes as a file in the cache, named by nothing about the person. */
    suspend fun write(context: Context, bytes: ByteArray): File = withContext(Dispatchers.IO) {
        val dir = File(context.cacheDir, "photos").apply { mkdirs() }
        File(dir, UUID.randomUUID().toString() + ".jpg").apply { writeBytes(bytes) }
    }

    /**
     * Decodes at a power-of-two scale (inSampleSize), so a 12-megapixel photo never sits in
     * memory whole, then scales the long edge down to [MAX_EDGE] and turns it upright, as the
     * iPhone app does; JPEG 85. Null when the bytes are no image BitmapFactory can read.
     */
    private fun decode(orientation: Int, read: (BitmapFactory.Options) -> Bitmap?): ByteArray? {
        val bounds = BitmapFactory.Options().apply { inJustDecodeBounds = true }
        read(bounds)
        if (bounds.outWidth <= 0 || bounds.outHeight <= 0) return null
        val sample = ThumbnailBitmaps.sampleSize(bounds.outWidth, bounds.outHeight, MAX_EDGE)
        val bitmap = fitted(read(BitmapFactory.Options().apply { inSampleSize = sample }) ?: return null, orientation)
        return ByteArrayOutputStream().use { out ->
            bitmap.compress(Bitmap.CompressFormat.JPEG, 85, out)
            bitmap.recycle()
            out.toByteArray()
        }
    }

    // Halving alone leaves up to twice MAX_EDGE (a 4000-pixel photo at 2000, a 3100-pixel one
    // untouched): too much to keep and sync over a weak connection.
    private fun fitted(bitmap: Bitmap, orientation: Int): Bitmap {
        val long = maxOf(bitmap.width, bitmap.height)
        val scale = if (long > MAX_EDGE) MAX_EDGE.toFloat() / long else 1f
        val matrix = Matrix().apply { postScale(scale, scale); upright(orientation) }
        if (matrix.isIdentity) return bitmap
        val turned = Bitmap.createBitmap(bitmap, 0, 0, bitmap.width, bitmap.height, matrix, true)
        if (turned !== bitmap) bitmap.recycle()
        return turned
    }

    // A camera app saves the sensor's pixels and says in EXIF how to turn them; BitmapFactory
    // does not read that, and the JPEG written here has no EXIF: turned now or never.
    private fun Matrix.upright(orientation: Int) {
        when (orientation) {
            ExifInterface.ORIENTATION_ROTATE_90 -> postRotate(90f)
            ExifInterface.ORIENTATION_ROTATE_180 -> postRotate(180f)
            ExifInterface.ORIENTATION_ROTATE_270 -> postRotate(270f)
            ExifInterface.ORIENTATION_FLIP_HORIZONTAL -> postScale(-1f, 1f)
            ExifInterface.ORIENTATION_FLIP_VERTICAL -> postScale(1f, -1f)
            ExifInterface.ORIENTATION_TRANSPOSE -> { postRotate(90f); postScale(-1f, 1f) }
            ExifInterface.ORIENTATION_TRANSVERSE -> { postRotate(270f); postScale(-1f, 1f) }
        }
    }

    // No EXIF, or none readable (a PNG, a damaged file): as stored. Not only IOException: a
    // malformed EXIF block can make the parser throw others, and the photo is worth more
    // than its orientation.
    private fun orientation(open: () -> ExifInterface?): Int =
        try {
            open()?.getAttributeInt(ExifInterface.TAG_ORIENTATION, ExifInterface.ORIENTATION_NORMAL)
        } catch (e: Exception) {
            null
        } ?: ExifInterface.ORIENTATION_NORMAL
}
