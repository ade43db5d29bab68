package org.gridkeeper.app.glue

import android.graphics.Bitmap
import android.graphics.BitmapFactory
import android.graphics.Canvas
import android.graphics.Color
import android.graphics.Paint
import android.media.ExifInterface
import android.net.Uri
import org.robolectric.RuntimeEnvironment
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertArrayEquals
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNotEquals
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Rule
import org.junit.Test
import org.junit.rules.TemporaryFolder
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.annotation.GraphicsMode
import java.io.File
import java.io.FileOutputStream

/** Real decoding and encoding: Robolectric's native graphics run Android's own Skia. */
@RunWith(RobolectricTestRunner::class)
@GraphicsMode(GraphicsMode.Mode.NATIVE)
class PhotoBytesTest {
    @get:Rule val tmp = TemporaryFolder()

    /** A photo of [w]×[h]: red left half, blue right half, so a scaled copy can be told apart
     *  from a blank one of the right size. */
    private fun photo(w: Int, h: Int, format: Bitmap.CompressFormat = Bitmap.CompressFormat.JPEG): File {
        val bitmap = Bitmap.createBitmap(w, h, Bitmap.Config.ARGB_8888)
        val canvas = Canvas(bitmap)
        canvas.drawColor(Color.BLUE)
        canvas.drawRect(0f, 0f, w / 2f, h.toFloat(), Paint().apply { color = Color.RED })
        val file = tmp.newFile()
        FileOutputStream(file).use { bitmap.compress(format, 95, it) }
        bitmap.recycle()
        return file
    }

    private fun decoded(bytes: ByteArray): Bitmap =
        BitmapFactory.decodeByteArray(bytes, 0, bytes.size) ?: error("not an image")

    private fun isJpeg(bytes: ByteArray) = bytes.size > 3 && bytes[0] == 0xFF.toByte() && bytes[1] == 0xD8.toByte()

    @Test fun aLandscapePhotoComesDownToALongEdgeOf1600KeepingItsShape() = runBlocking {
        val bytes = PhotoBytes.fromFile(photo(4000, 3000))!!
        assertTrue("JPEG", isJpeg(bytes))
        val out = decoded(bytes)
        assertEquals(1600, out.width)
        assertEquals(1200, out.height)
        // Still the photo: red on the left, blue on the right.
        val left = out.getPixel(out.width / 4, out.height / 2)
        val right = out.getPixel(out.width * 3 / 4, out.height / 2)
        assertTrue("left is red: ${Integer.toHexString(left)}", Color.red(left) > 200 && Color.blue(left) < 60)
        assertTrue("right is blue: ${Integer.toHexString(right)}", Color.blue(right) > 200 && Color.red(right) < 60)
    }

    @Test fun aPortraitPhotoComesDownTo1600High() = runBlocking {
        val out = decoded(PhotoBytes.fromFile(photo(3000, 4000))!!)
        assertEquals(1200, out.width)
        assertEquals(1600, out.height)
    }

    @Test fun aPhotoJustOver1600IsScaledNotLeftAsItIs() = runBlocking {
        // inSampleSize alone (powers of two) cannot bring 3100 px down to 1600.
        val out = decoded(PhotoBytes.fromFile(photo(3100, 1000))!!)
        assertEquals(1600, out.width)
        assertEquals(516, out.height)
    }

    @Test fun aSmallPhotoIsNotEnlarged() = runBlocking {
        val out = decoded(PhotoBytes.fromFile(photo(800, 600))!!)
        assertEquals(800, out.width)
        assertEquals(600, out.height)
    }

    @Test fun aPngFromThePickerComesOutAsJpeg() = runBlocking {
        val bytes = PhotoBytes.fromFile(photo(2000, 1000, Bitmap.CompressFormat.PNG))!!
        assertTrue("JPEG", isJpeg(bytes))
        assertEquals(1600, decoded(bytes).width)
    }

    @Test fun aPickedPhotoIsReadThroughTheContentResolver() = runBlocking {
        val context = RuntimeEnvironment.getApplication()
        val out = decoded(PhotoBytes.fromUri(context, Uri.fromFile(photo(4000, 3000)))!!)
        assertEquals(1600, out.width)
        assertEquals(1200, out.height)
    }

    private fun saidToBeTurned(file: File, orientation: Int): File = file.also {
        ExifInterface(it.path).apply { setAttribute(ExifInterface.TAG_ORIENTATION, orientation.toString()); saveAttributes() }
    }

    private fun redAt(image: Bitmap, x: Int, y: Int) = image.getPixel(x, y).let { Color.red(it) > 200 && Color.blue(it) < 60 }
    private fun blueAt(image: Bitmap, x: Int, y: Int) = image.getPixel(x, y).let { Color.blue(it) > 200 && Color.red(it) < 60 }

    @Test fun aPhotoTheCameraSaysToTurnComesOutUpright() = runBlocking {
        // The sensor's landscape pixels, held upright: EXIF says turn 90 degrees clockwise.
        val out = decoded(PhotoBytes.fromFile(saidToBeTurned(photo(4000, 3000), ExifInterface.ORIENTATION_ROTATE_90))!!)
        assertEquals(1200, out.width)
        assertEquals(1600, out.height)
        // The left (red) half is now on top.
        assertTrue(redAt(out, 600, 400))
        assertTrue(blueAt(out, 600, 1200))
    }

    @Test fun upsideDownAndTheOtherWay() = runBlocking {
        val down = decoded(PhotoBytes.fromFile(saidToBeTurned(photo(4000, 3000), ExifInterface.ORIENTATION_ROTATE_180))!!)
        assertEquals(1600, down.width)
        assertTrue(blueAt(down, 400, 600))
        assertTrue(redAt(down, 1200, 600))
        val left = decoded(PhotoBytes.fromFile(saidToBeTurned(photo(4000, 3000), ExifInterface.ORIENTATION_ROTATE_270))!!)
        assertEquals(1200, left.width)
        assertTrue(blueAt(left, 600, 400))
        assertTrue(redAt(left, 600, 1200))
        // Mirrored, as some front cameras save.
        val mirrored = decoded(PhotoBytes.fromFile(saidToBeTurned(photo(1000, 500), ExifInterface.ORIENTATION_FLIP_HORIZONTAL))!!)
        assertEquals(1000, mirrored.width)
        assertTrue(blueAt(mirrored, 250, 250))
        assertTrue(redAt(mirrored, 750, 250))
    }

    @Test fun aPickedPhotoIsTurnedToo() = runBlocking {
        val context = RuntimeEnvironment.getApplication()
        val file = saidToBeTurned(photo(4000, 3000), ExifInterface.ORIENTATION_ROTATE_90)
        val out = decoded(PhotoBytes.fromUri(context, Uri.fromFile(file))!!)
        assertEquals(1200, out.width)
        assertEquals(1600, out.height)
        assertTrue(redAt(out, 600, 400))
    }

    @Test fun aFileThatIsNoImageGivesNoPhoto() = runBlocking {
        val text = tmp.newFile().apply { writeText("这不是照片 not a photo") }
        assertNull(PhotoBytes.fromFile(text))
        assertNull(PhotoBytes.fromFile(tmp.newFile()))
        assertNull(PhotoBytes.fromFile(File(tmp.root, "gone.jpg")))
    }

    @Test fun theBytesAreWrittenToTheCacheUnderARandomName() = runBlocking {
        val context = RuntimeEnvironment.getApplication()
        val bytes = byteArrayOf(1, 2, 3)
        val a = PhotoBytes.write(context, bytes)
        val b = PhotoBytes.write(context, bytes)
        assertEquals(File(context.cacheDir, "photos"), a.parentFile)
        assertTrue(a.name.matches(Regex("[0-9a-f-]{36}\\.jpg")))
        assertNotEquals(a, b)
        assertArrayEquals(bytes, a.readBytes())
    }
}
