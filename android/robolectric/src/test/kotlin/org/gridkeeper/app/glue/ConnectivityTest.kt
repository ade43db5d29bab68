package org.gridkeeper.app.glue

import android.net.ConnectivityManager
import android.net.NetworkCapabilities
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.RuntimeEnvironment
import org.robolectric.Shadows.shadowOf
import org.robolectric.shadows.ShadowNetwork
import org.robolectric.shadows.ShadowNetworkCapabilities

@RunWith(RobolectricTestRunner::class)
class ConnectivityTest {
    private val app = RuntimeEnvironment.getApplication()
    private val cm get() = app.getSystemService(ConnectivityManager::class.java)!!

    private fun caps(vararg capabilities: Int): NetworkCapabilities =
        ShadowNetworkCapabilities.newInstance().also { c ->
            shadowOf(c).addTransportType(NetworkCapabilities.TRANSPORT_WIFI)
            capabilities.forEach { shadowOf(c).addCapability(it) }
        }

    @Test fun onlineWhenTheActiveNetworkIsValidated() {
        val network = cm.activeNetwork!!
        shadowOf(cm).setNetworkCapabilities(network, caps(NetworkCapabilities.NET_CAPABILITY_INTERNET, NetworkCapabilities.NET_CAPABILITY_VALIDATED))
        assertTrue(Connectivity.online(app))
    }

    @Test fun offlineBehindASignInPage() {
        // Connected, with internet on paper, but the system could not reach the internet.
        val network = cm.activeNetwork!!
        shadowOf(cm).setNetworkCapabilities(network, caps(NetworkCapabilities.NET_CAPABILITY_INTERNET, NetworkCapabilities.NET_CAPABILITY_CAPTIVE_PORTAL))
        assertFalse(Connectivity.online(app))
    }

    @Test fun offlineWithNoActiveNetwork() {
        shadowOf(cm).setDefaultNetworkActive(false)
        shadowOf(cm).setActiveNetworkInfo(null)
        assertEquals(null, cm.activeNetwork)
        assertFalse(Connectivity.online(app))
    }

    @Test fun aConnectionComingBackCallsOnceNotOnEveryChange() {
        var calls = 0
        val callback = ConnectionBack { calls++ }
        val network = ShadowNetwork.newInstance(7)
        val validated = caps(NetworkCapabilities.NET_CAPABILITY_INTERNET, NetworkCapabilities.NET_CAPABILITY_VALIDATED)
        val unvalidated = caps(NetworkCapabilities.NET_CAPABILITY_INTERNET)
        callback.onCapabilitiesChanged(network, unvalidated)
        assertEquals(0, calls)
        callback.onCapabilitiesChanged(network, validated)
        assertEquals(1, calls)
        // Signal strength and bandwidth changes report the same validated network again.
        callback.onCapabilitiesChanged(network, validated)
        callback.onCapabilitiesChanged(network, validated)
        assertEquals(1, calls)
        callback.onLost(network)
        callback.onCapabilitiesChanged(network, validated)
        assertEquals(2, calls)
        callback.onCapabilitiesChanged(network, unvalidated)
        callback.onCapabilitiesChanged(network, validated)
        assertEquals(3, calls)
    }
}
