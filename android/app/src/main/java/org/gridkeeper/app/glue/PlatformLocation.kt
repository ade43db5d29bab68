package org.gridkeeper.app.glue

import android.Manifest
import android.content.Context
import android.content.pm.PackageManager
import android.location.LocationManager

/**
 * Which location source to ask: the platform's LocationManager (GPS, else network), not
 * Google Play's fused provider, which many phones sold in China do not have. Framework
 * classes only (no androidx), so scripts/test-android-framework compiles it against
 * android-all and runs it under Robolectric; the fix itself is taken in Location.kt.
 */
object PlatformLocation {
    /** Either permission will do: a coarse fix still places a visit in its neighbourhood. */
    fun permitted(context: Context): Boolean =
        // Context.checkSelfPermission is what ContextCompat calls from API 23 on (minSdk 24).
        context.checkSelfPermission(Manifest.permission.ACCESS_FINE_LOCATION) == PackageManager.PERMISSION_GRANTED ||
            context.checkSelfPermission(Manifest.permission.ACCESS_COARSE_LOCATION) == PackageManager.PERMISSION_GRANTED

    /** The manager and the provider to ask it for one fix; null when the worker has none on. */
    fun source(context: Context): Pair<LocationManager, String>? {
        val manager = context.getSystemService(Context.LOCATION_SERVICE) as? LocationManager ?: return null
        val provider = listOf(LocationManager.GPS_PROVIDER, LocationManager.NETWORK_PROVIDER)
            .firstOrNull { manager.isProviderEnabled(it) } ?: return null
        return manager to provider
    }
}
