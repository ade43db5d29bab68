package org.gridkeeper.jvm

import androidx.compose.ui.test.ExperimentalTestApi
import org.gridkeeper.CancelToken
import org.gridkeeper.CaseDetailScreen
import org.gridkeeper.CaseReportScreen
import org.gridkeeper.SyncProgress
import org.gridkeeper.SyncProgressInfo
import org.gridkeeper.app.R
import org.gridkeeper.app.Routes
import org.gridkeeper.screens.CaseDetailEvent
import org.gridkeeper.screens.CaseReportEvent
import org.gridkeeper.screens.Lang
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Rule
import org.junit.Test

/**
 * Photos taken on another phone (issue 26): a second phone of the worker reports a case with
 * a real 1280×960 JPEG and syncs; on the demo phone the case shows a placeholder and 取回照片
 * until the worker fetches it from the relay, then a thumbnail decoded at thumbnail size.
 */
@OptIn(ExperimentalTestApi::class)
class PhotosTest {
    @get:Rule
    val main = ImmediateMain()

    private val store get() = DemoPhone.store
    private val grid = Relay.GRID

    private fun sync(phone: org.gridkeeper.GridStore) = CancelToken().use { token ->
        phone.sync(object : SyncProgress { override fun onProgress(progress: SyncProgressInfo) = Unit }, token)
    }

    /** The case the other phone reported, with its photo's hash. */
    private fun reportedOnAnotherPhone(): Pair<String, String> {
        val other = openPhoneStore("other-phone")
        other.enroll(Relay.url, Relay.enrolCode())
        // A size no other test takes: the same picture taken on this phone would already be here.
        val photo = picture(1280, 960)
        val id = CaseReportScreen(other, grid, null, null, Lang.ZH).use { form ->
            form.send(CaseReportEvent.Load)
            form.send(CaseReportEvent.Description("河道边有人倾倒建筑垃圾"))
            form.send(CaseReportEvent.PhotoTaken(photo.path))
            form.send(CaseReportEvent.Submit).view.savedId
        }
        photo.delete()
        assertNotNull("the other phone saved its case", id)
        sync(other)
        sync(store)
        val hash = CaseDetailScreen(store, id!!, Lang.ZH).use { it.send(CaseDetailEvent.Load(0)).view }.thumbsBefore.single().hash
        return id to hash
    }

    @Test
    fun aPhotoFromAnotherPhoneIsFetchedOnDemandAndShownAsAThumbnail() {
        val (id, hash) = reportedOnAnotherPhone()
        assertNull("not on this phone before it is fetched", store.attachmentBytes(hash))
        for (lang in Lang.entries) onPhone {
            DemoPhone.app(lang).use { app ->
                setContent { AppUnderTest(app, PhoneEffects(app), grid, Routes.case(id)) }
                val view = CaseDetailScreen(store, id, lang).use { it.send(CaseDetailEvent.Load(0)).view }
                awaitText(view.photoFetch.missingText!!)
                awaitText(word(lang, R.string.photo_not_here))
                screenshot("case-photo-not-fetched-${lang.tag}")
            }
        }
        onPhone {
            DemoPhone.app(Lang.ZH).use { app ->
                setContent { AppUnderTest(app, PhoneEffects(app), grid, Routes.case(id)) }
                val fetch = CaseDetailScreen(store, id, Lang.ZH).use { it.send(CaseDetailEvent.Load(0)).view }.photoFetch.fetchLabel!!
                awaitText(fetch)
                tap(fetch)
                awaitOrTell("the photo fetched from the relay", 20_000) { store.attachmentBytes(hash) != null }
                awaitOrTell("the placeholder gone", 10_000) { !shown(word(Lang.ZH, R.string.photo_not_here)) }
                awaitOrTell("a thumbnail decoded", 10_000) { app.decoded.isNotEmpty() }
                val (w, h) = app.decoded.first()
                // 72 dp at 2 px per dp: the 1280-pixel photo decoded at 144, never whole.
                assertEquals(144, maxOf(w, h))
                assertEquals(108, minOf(w, h))
                assertTrue("no fetch left to offer", !shown(fetch))
                screenshot("case-photo-fetched-zh")
            }
        }
        // The bytes the other phone took, whole: the thumbnail was made from them.
        val fetched = org.jetbrains.skia.Image.makeFromEncoded(store.attachmentBytes(hash)!!)
        assertEquals(1280 to 960, fetched.width to fetched.height)
        onPhone {
            DemoPhone.app(Lang.EN).use { app ->
                setContent { AppUnderTest(app, PhoneEffects(app), grid, Routes.case(id)) }
                awaitText(word(Lang.EN, R.string.timeline))
                awaitOrTell("a thumbnail decoded", 10_000) { app.decoded.isNotEmpty() }
                screenshot("case-photo-fetched-en")
            }
        }
    }
}
