package org.gridkeeper.app.ui

import androidx.compose.foundation.Image
import androidx.compose.foundation.background
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.size
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.produceState
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.ImageBitmap
import androidx.compose.ui.layout.ContentScale
import androidx.compose.ui.platform.LocalDensity
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.dp
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import org.gridkeeper.GridkeeperException
import org.gridkeeper.app.AppServices
import org.gridkeeper.app.R
import org.gridkeeper.screens.PhotoFetchView
import org.gridkeeper.screens.PhotoThumb

private val THUMB = 72.dp

/** A record's photos, wrapping: each a thumbnail when the phone holds it, else a placeholder. */
@OptIn(ExperimentalLayoutApi::class)
@Composable
fun PhotoRow(app: AppServices, thumbs: List<PhotoThumb>) {
    if (thumbs.isEmpty()) return
    FlowRow(horizontalArrangement = Arrangement.spacedBy(6.dp), verticalArrangement = Arrangement.spacedBy(6.dp)) {
        thumbs.forEach { Thumb(app, it) }
    }
}

@Composable
private fun Thumb(app: AppServices, thumb: PhotoThumb) {
    val edge = with(LocalDensity.current) { THUMB.roundToPx() }
    // Decoded off the main thread, at the thumbnail's size: never the camera's whole image.
    val image by produceState<ImageBitmap?>(null, thumb.hash, thumb.onPhone, edge) {
        value = if (!thumb.onPhone) null else withContext(Dispatchers.IO) {
            try {
                app.screens.photoBytes(thumb.hash)?.let { app.thumbnails.decode(it, edge) }
            } catch (e: GridkeeperException) {
                null
            }
        }
    }
    val photo = word(R.string.photo)
    val missing = word(R.string.photo_not_here)
    Box(
        Modifier.size(THUMB).background(MaterialTheme.colorScheme.surfaceVariant)
            .semantics { contentDescription = if (thumb.onPhone) photo else missing },
        contentAlignment = Alignment.Center,
    ) {
        val shown = image
        if (shown != null) {
            Image(shown, contentDescription = null, contentScale = ContentScale.Crop, modifier = Modifier.size(THUMB))
        } else if (!thumb.onPhone) {
            Text(missing, style = MaterialTheme.typography.labelSmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
        }
    }
}

/** Photos another phone took and this one lacks: how many, why the last fetch failed, and 取回照片. */
@Composable
fun PhotoFetchLine(fetch: PhotoFetchView, onFetch: () -> Unit) {
    fetch.missingText?.let { Text(it, style = MaterialTheme.typography.bodySmall) }
    fetch.error?.let { Text(it, color = MaterialTheme.colorScheme.error) }
    if (fetch.fetching) Text(word(R.string.loading))
    fetch.fetchLabel?.let { label -> OutlinedButton(onClick = onFetch) { Text(label) } }
}
