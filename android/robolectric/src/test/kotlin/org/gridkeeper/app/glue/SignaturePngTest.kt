package org.gridkeeper.app.glue

import android.graphics.Bitmap
import android.graphics.BitmapFactory
import android.graphics.Color
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.annotation.GraphicsMode

@RunWith(RobolectricTestRunner::class)
@GraphicsMode(GraphicsMode.Mode.NATIVE)
class SignaturePngTest {
    private fun decode(png: ByteArray): Bitmap {
        // The PNG signature: \x89 P N G.
        assertTrue("PNG", png.size > 8 && png[0] == 0x89.toByte() && png[1] == 'P'.code.toByte() && png[2] == 'N'.code.toByte())
        return BitmapFactory.decodeByteArray(png, 0, png.size) ?: error("not an image")
    }

    private fun ink(pixel: Int) = Color.red(pixel) < 100 && Color.green(pixel) < 100 && Color.blue(pixel) < 100
    private fun paper(pixel: Int) = Color.red(pixel) == 255 && Color.green(pixel) == 255 && Color.blue(pixel) == 255

    @Test fun strokesAreInkWhereTheyWentOnWhitePaperOfThePadsSize() {
        val across = floatArrayOf(50f, 100f, 350f, 100f)
        val down = floatArrayOf(200f, 20f, 200f, 60f, 210f, 180f)
        val image = decode(SignaturePng.render(400, 200, listOf(across, down)))
        assertEquals(400, image.width)
        assertEquals(200, image.height)
        for (x in listOf(60, 120, 300, 340)) assertTrue("ink at ($x, 100)", ink(image.getPixel(x, 100)))
        assertTrue("ink on the second stroke", ink(image.getPixel(200, 40)))
        assertTrue("ink on its last segment", ink(image.getPixel(205, 120)))
        // The pen is 6 px wide: nothing beyond it.
        for ((x, y) in listOf(10 to 10, 390 to 190, 100 to 110, 100 to 90, 30 to 100, 370 to 100)) {
            assertTrue("paper at ($x, $y)", paper(image.getPixel(x, y)))
        }
        // Opaque: a printed record has no transparent holes.
        assertEquals(255, Color.alpha(image.getPixel(10, 10)))
    }

    @Test fun aTapWithoutMovingLeavesNoMark() {
        val image = decode(SignaturePng.render(100, 50, listOf(floatArrayOf(50f, 25f))))
        for (x in 0 until 100 step 5) for (y in 0 until 50 step 5) assertTrue(paper(image.getPixel(x, y)))
    }

    @Test fun aPadNotYetLaidOutGivesOnePixelNotACrash() {
        val image = decode(SignaturePng.render(0, 0, emptyList()))
        assertEquals(1, image.width)
        assertEquals(1, image.height)
    }
}
