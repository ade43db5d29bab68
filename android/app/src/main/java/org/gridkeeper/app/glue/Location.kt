package org.gridkeeper.app.glue

import android.Manifest
import android.annotation.SuppressLint
import android.content.Context
import android.location.Location
import androidx.core.content.ContextCompat
import androidx.core.location.LocationManagerCompat
import android.os.CancellationSignal
import androidx.activity.compose.rememberLauncherForActivityResult
import androidx.activity.result.contract.ActivityResultContracts
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.setValue
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.suspendCancellableCoroutine
import org.gridkeeper.app.Fix
import org.gridkeeper.app.Locator
import kotlin.coroutines.resume

/** One fix from the source [PlatformLocation] picks; LocationManagerCompat covers the phones
 *  before API 30, which lack LocationManager.getCurrentLocation. */
object CurrentLocation {
    @SuppressLint("MissingPermission") // checked by permitted() first
    suspend fun current(context: Context): Location? {
        if (!PlatformLocation.permitted(context)) return null
        val (manager, provider) = PlatformLocation.source(context) ?: return null
        return suspendCancellableCoroutine { cont ->
            val signal = CancellationSignal()
            cont.invokeOnCancellation { signal.cancel() }
            LocationManagerCompat.getCurrentLocation(manager, provider, signal, ContextCompat.getMainExecutor(context)) { location ->
                if (cont.isActive) cont.resume(location)
            }
        }
    }
}

/**
 * Performs GetLocation: asks for the permission the first time, then one fix. Call
 * [PermissionAsker] once in the app's root composition.
 */
class ComposeLocator(private val context: Context) : Locator {
    internal var asking by mutableStateOf<CompletableDeferred<Unit>?>(null)

    override suspend fun locate(): Fix? {
        if (!PlatformLocation.permitted(context)) {
            val answered = CompletableDeferred<Unit>()
            asking = answered
            try { answered.await() } finally { asking = null }
        }
        val location = CurrentLocation.current(context) ?: return null
        return Fix(location.latitude, location.longitude, if (location.hasAccuracy()) location.accuracy.toDouble() else null)
    }

    @Composable
    fun PermissionAsker() {
        val waiting = asking
        val launcher = rememberLauncherForActivityResult(ActivityResultContracts.RequestMultiplePermissions()) {
            asking?.complete(Unit)
        }
        LaunchedEffect(waiting) {
            if (waiting != null) {
                launcher.launch(arrayOf(Manifest.permission.ACCESS_FINE_LOCATION, Manifest.permission.ACCESS_COARSE_LOCATION))
            }
        }
    }
}
