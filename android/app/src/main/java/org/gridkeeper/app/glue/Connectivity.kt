package org.gridkeeper.app.glue

import android.content.Context
import android.net.ConnectivityManager
import android.net.Network
import android.net.NetworkCapabilities

/**
 * Whether a sync is worth trying now, for the app core's SyncTrigger. Framework classes
 * only, so scripts/test-android-framework runs it under Robolectric.
 */
object Connectivity {
    /** VALIDATED, not merely connected: a hotel or station Wi-Fi behind its sign-in page is
     *  connected, and every sync through it would fail and show as an error. */
    fun online(context: Context): Boolean {
        val cm = context.getSystemService(ConnectivityManager::class.java) ?: return false
        return validated(cm.getNetworkCapabilities(cm.activeNetwork) ?: return false)
    }

    fun validated(caps: NetworkCapabilities): Boolean = caps.hasCapability(NetworkCapabilities.NET_CAPABILITY_VALIDATED)
}

/**
 * Calls [back] when a connection comes back. Capabilities change with every bar of signal:
 * only the step from offline to online counts, or each would start a sync.
 */
class ConnectionBack(private val back: () -> Unit) : ConnectivityManager.NetworkCallback() {
    private var wasOnline = false

    override fun onCapabilitiesChanged(network: Network, caps: NetworkCapabilities) {
        val now = Connectivity.validated(caps)
        if (now && !wasOnline) back()
        wasOnline = now
    }

    override fun onLost(network: Network) {
        wasOnline = false
    }
}
