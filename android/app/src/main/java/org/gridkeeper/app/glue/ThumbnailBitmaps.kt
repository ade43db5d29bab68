package org.gridkeeper.app.glue

import android.graphics.Bitmap
import android.graphics.BitmapFactory

/**
 * Photos decoded for a thumbnail. Framework classes only, as PhotoBytes: the power-of-two
 * sample is chosen from the bounds before any pixel is decoded, so a 1600-pixel photo shown
 * at 144 pixels costs an eighth of its edge (1/64 of its memory), and RGB_565 halves that
 * again; a list of photos on a 2 GB phone stays small.
 */
object ThumbnailBitmaps {
    fun decode(bytes: ByteArray, maxEdge: Int): Bitmap? {
        val bounds = BitmapFactory.Options().apply { inJustDecodeBounds = true }
        BitmapFactory.decodeByteArray(bytes, 0, bytes.size, bounds)
        if (bounds.outWidth <= 0 || bounds.outHeight <= 0) return null
        val opts = BitmapFactory.Options().apply {
            inSampleSize = sampleSize(bounds.outWidth, bounds.outHeight, maxEdge)
            inPreferredConfig = Bitmap.Config.RGB_565
        }
        return BitmapFactory.decodeByteArray(bytes, 0, bytes.size, opts)
    }

    /** The largest power of two that keeps the longer edge at least [maxEdge] once divided. */
    fun sampleSize(width: Int, height: Int, maxEdge: Int): Int {
        var sample = 1
        while (maxOf(width, height) / (sample * 2) >= maxEdge) sample *= 2
        return sample
    }
}
