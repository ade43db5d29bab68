package org.gridkeeper.app

import org.gridkeeper.app.shared.Screens
import org.gridkeeper.app.shared.SyncModel
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
}
