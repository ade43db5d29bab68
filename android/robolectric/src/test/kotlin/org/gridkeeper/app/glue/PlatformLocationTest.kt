package org.gridkeeper.app.glue

import android.Manifest
import android.content.Context
import android.location.LocationManager
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNull
import org.junit.Assert.assertSame
import org.junit.Assert.assertTrue
import org.junit.Before
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.RuntimeEnvironment
import org.robolectric.Shadows.shadowOf

@RunWith(RobolectricTestRunner::class)
class PlatformLocationTest {
    private val app = RuntimeEnvironment.getApplication()
    private val manager get() = app.getSystemService(Context.LOCATION_SERVICE) as LocationManager

    @Before fun noProviders() {
        shadowOf(manager).setProviderEnabled(LocationManager.GPS_PROVIDER, false)
        shadowOf(manager).setProviderEnabled(LocationManager.NETWORK_PROVIDER, false)
    }

    @Test fun withoutEitherPermissionThereIsNoFixToAskFor() {
        shadowOf(app).denyPermissions(Manifest.permission.ACCESS_FINE_LOCATION, Manifest.permission.ACCESS_COARSE_LOCATION)
        assertFalse(PlatformLocation.permitted(app))
    }

    @Test fun eitherPermissionWillDo() {
        shadowOf(app).grantPermissions(Manifest.permission.ACCESS_COARSE_LOCATION)
        assertTrue(PlatformLocation.permitted(app))
        shadowOf(app).denyPermissions(Manifest.permission.ACCESS_COARSE_LOCATION)
        shadowOf(app).grantPermissions(Manifest.permission.ACCESS_FINE_LOCATION)
        assertTrue(PlatformLocation.permitted(app))
    }

    @Test fun gpsFirst() {
        shadowOf(manager).setProviderEnabled(LocationManager.GPS_PROVIDER, true)
        shadowOf(manager).setProviderEnabled(LocationManager.NETWORK_PROVIDER, true)
        val (m, provider) = PlatformLocation.source(app)!!
        assertSame(manager, m)
        assertEquals(LocationManager.GPS_PROVIDER, provider)
    }

    @Test fun theNetworkWhenGpsIsOff() {
        shadowOf(manager).setProviderEnabled(LocationManager.NETWORK_PROVIDER, true)
        assertEquals(LocationManager.NETWORK_PROVIDER, PlatformLocation.source(app)!!.second)
    }

    @Test fun noSourceWhenTheWorkerHasLocationOff() {
        assertNull(PlatformLocation.source(app))
        // The passive provider only relays other apps' fixes: it is not asked.
        shadowOf(manager).setProviderEnabled(LocationManager.PASSIVE_PROVIDER, true)
        assertNull(PlatformLocation.source(app))
    }
}
