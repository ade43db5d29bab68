package org.gridkeeper.app.glue

import org.gridkeeper.app.ui.word
import androidx.compose.foundation.Canvas
import androidx.compose.foundation.border
import androidx.compose.foundation.gestures.detectDragGestures
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.aspectRatio
import androidx.compose.material3.MaterialTheme
import androidx.compose.runtime.Composable
import androidx.compose.runtime.mutableStateListOf
import androidx.compose.runtime.snapshots.SnapshotStateList
import androidx.compose.ui.Modifier
import androidx.compose.ui.geometry.Offset
import androidx.compose.ui.graphics.Path
import androidx.compose.ui.graphics.drawscope.Stroke
import androidx.compose.ui.input.pointer.pointerInput
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.dp
import androidx.compose.foundation.layout.Column
import androidx.compose.material3.AlertDialog
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import kotlinx.coroutines.CompletableDeferred
import org.gridkeeper.app.R
import org.gridkeeper.app.SignatureTaker
import java.io.File
import java.util.UUID

/** The strokes of one signature, in the pad's pixels; [toPng] draws them for the record. */
class SignatureStrokes {
    val strokes: SnapshotStateList<SnapshotStateList<Offset>> = mutableStateListOf()
    var width = 0
    var height = 0

    val isEmpty: Boolean get() = strokes.none { it.size > 1 }

    fun clear() = strokes.clear()

    /** Drawn by [SignaturePng], apart from Compose so that it is tested under Robolectric. */
    fun toPng(): ByteArray = SignaturePng.render(
        width,
        height,
        strokes.map { stroke -> FloatArray(stroke.size * 2) { i -> if (i % 2 == 0) stroke[i / 2].x else stroke[i / 2].y } },
    )
}

@Composable
fun SignaturePad(strokes: SignatureStrokes, description: String, modifier: Modifier = Modifier) {
    val ink = MaterialTheme.colorScheme.onSurface
    Canvas(
        modifier
            .fillMaxWidth()
            .aspectRatio(2f)
            .border(1.dp, MaterialTheme.colorScheme.outline)
            .semantics { contentDescription = description }
            .pointerInput(strokes) {
                detectDragGestures(
                    onDragStart = { start -> strokes.strokes.add(mutableStateListOf(start)) },
                    onDrag = { change, _ ->
                        change.consume()
                        strokes.strokes.lastOrNull()?.add(change.position)
                    },
                )
            },
    ) {
        strokes.width = size.width.toInt()
        strokes.height = size.height.toInt()
        strokes.strokes.forEach { stroke ->
            if (stroke.size > 1) {
                val path = Path().apply {
                    moveTo(stroke[0].x, stroke[0].y)
                    stroke.drop(1).forEach { lineTo(it.x, it.y) }
                }
                drawPath(path, ink, style = Stroke(width = 6f))
            }
        }
    }
}

/**
 * Performs AskSignature: the pad in a dialog for one party; Done writes the PNG to the cache
 * for the core to store. Call [Dialog] once in the app's root composition.
 */
class ComposeSignatureTaker(private val cacheDir: File) : SignatureTaker {
    private var asking by mutableStateOf<CompletableDeferred<File?>?>(null)

    override suspend fun sign(party: String): File? {
        val answer = CompletableDeferred<File?>()
        asking = answer
        return try { answer.await() } finally { asking = null }
    }

    @Composable
    fun Dialog() {
        val waiting = asking ?: return
        val strokes = remember(waiting) { SignatureStrokes() }
        val description = word(R.string.signature_pad)
        AlertDialog(
            onDismissRequest = { waiting.complete(null) },
            text = { Column { Text(description); SignaturePad(strokes, description) } },
            confirmButton = {
                TextButton(onClick = {
                    if (strokes.isEmpty) return@TextButton
                    val dir = File(cacheDir, "signatures").apply { mkdirs() }
                    waiting.complete(File(dir, UUID.randomUUID().toString() + ".png").apply { writeBytes(strokes.toPng()) })
                }) { Text(word(R.string.done)) }
            },
            dismissButton = { TextButton(onClick = { strokes.clear() }) { Text(word(R.string.clear)) } },
        )
    }
}
