package org.gridkeeper.app.glue

import android.graphics.Bitmap
import android.graphics.Canvas
import android.graphics.Color
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNull
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.annotation.GraphicsMode
import java.io.ByteArrayOutputStream

/** Thumbnails decoded by Android's own Skia (Robolectric's native graphics). */
@RunWith(RobolectricTestRunner::class)
@GraphicsMode(GraphicsMode.Mode.NATIVE)
class ThumbnailBitmapsTest {
    private fun jpeg(w: Int, h: Int): ByteArray {
        val bitmap = Bitmap.createBitmap(w, h, Bitmap.Config.ARGB_8888)
        Canvas(bitmap).drawColor(Color.GREEN)
        val out = ByteArrayOutputStream()
        bitmap.compress(Bitmap.CompressFormat.JPEG, 90, out)
        bitmap.recycle()
        return out.toByteArray()
    }

    @Test fun aPhotoIsDecodedAtThePowerOfTwoThatKeepsItAboveTheThumbnailEdge() {
        // 1600 px at an edge of 144: divided by 8 (200 px), not by 16 (100 px, too small).
        val thumb = ThumbnailBitmaps.decode(jpeg(1600, 1200), 144)!!
        assertEquals(200, thumb.width)
        assertEquals(150, thumb.height)
        assertEquals(Bitmap.Config.RGB_565, thumb.config)
    }

    @Test fun aSmallPhotoIsDecodedWhole() {
        val thumb = ThumbnailBitmaps.decode(jpeg(120, 90), 144)!!
        assertEquals(120, thumb.width)
    }

    @Test fun bytesThatAreNoImageGiveNoThumbnail() {
        assertNull(ThumbnailBitmaps.decode("not a photo".toByteArray(), 144))
    }

    @Test fun theSampleFollowsTheLongerEdge() {
        assertEquals(1, ThumbnailBitmaps.sampleSize(200, 100, 144))
        assertEquals(8, ThumbnailBitmaps.sampleSize(900, 1600, 144))
        assertEquals(16, ThumbnailBitmaps.sampleSize(4000, 3000, 144))
    }
}
