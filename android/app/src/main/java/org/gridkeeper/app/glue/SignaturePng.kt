package org.gridkeeper.app.glue

import android.graphics.Bitmap
import android.graphics.Canvas
import android.graphics.Color
import android.graphics.Paint
import android.graphics.Path
import java.io.ByteArrayOutputStream

/**
 * A signature's strokes drawn for the record. Framework classes only (no Compose), so
 * scripts/test-android-framework compiles it against android-all and draws it under
 * Robolectric; the pad that collects the strokes is in SignaturePad.kt.
 */
object SignaturePng {
    /**
     * Black ink on white, the form a printed agreement shows. Each stroke is its points in
     * the pad's pixels, x and y in turn.
     */
    fun render(width: Int, height: Int, strokes: List<FloatArray>): ByteArray {
        val bitmap = Bitmap.createBitmap(width.coerceAtLeast(1), height.coerceAtLeast(1), Bitmap.Config.ARGB_8888)
        val canvas = Canvas(bitmap)
        canvas.drawColor(Color.WHITE)
        val paint = Paint().apply {
            color = Color.BLACK
            strokeWidth = 6f
            style = Paint.Style.STROKE
            strokeCap = Paint.Cap.ROUND
            strokeJoin = Paint.Join.ROUND
            isAntiAlias = true
        }
        strokes.forEach { stroke ->
            val path = Path()
            for (i in 0 until stroke.size / 2) {
                if (i == 0) path.moveTo(stroke[0], stroke[1]) else path.lineTo(stroke[2 * i], stroke[2 * i + 1])
            }
            canvas.drawPath(path, paint)
        }
        return ByteArrayOutputStream().use { out ->
            bitmap.compress(Bitmap.CompressFormat.PNG, 100, out)
            bitmap.recycle()
            out.toByteArray()
        }
    }
}
