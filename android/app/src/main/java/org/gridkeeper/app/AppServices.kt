package org.gridkeeper.app

import org.gridkeeper.app.shared.Screens
import org.gridkeeper.app.shared.SyncModel
import androidx.compose.ui.graphics.ImageBitmap
import java.io.File

/**
 * What the screens need from the app around them. On the phone it is [GridkeeperApp] (the
 * signed-in worker's store); the JVM check (android/jvm) gives the same screens a store of its
 * own, so the Compose code is one set of sources for both.
 */
interface AppServices {
    /** The app core's screens over the worker's store. */
    val screens: Screens

    /** The one sync line the bar draws and every sync runs through. */
    val sync: SyncModel

    /** Where a rescue file is written before it is handed to the share sheet. */
    val rescueDir: File

    /** Photos decoded small for a screen's thumbnails. */
    val thumbnails: Thumbnails
}

/**
 * A photo's bytes decoded to at most [maxEdgePx] on its longer edge, sampled down while
 * decoding (a cheap phone has no memory for a camera's whole image per thumbnail); null when
 * the bytes are no image. Android's BitmapFactory on the phone, skia on the JVM.
 */
fun interface Thumbnails {
    fun decode(bytes: ByteArray, maxEdgePx: Int): ImageBitmap?
}
