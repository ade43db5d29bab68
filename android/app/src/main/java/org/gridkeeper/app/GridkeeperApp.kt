package org.gridkeeper.app

import android.app.Application
import android.net.ConnectivityManager
import android.os.Handler
import android.os.Looper
import kotlinx.coroutines.runBlocking
import org.gridkeeper.CancelToken
import org.gridkeeper.GridStore
import org.gridkeeper.GridkeeperException
import org.gridkeeper.RecordsChanged
import org.gridkeeper.Subscription
import org.gridkeeper.app.glue.ConnectionBack
import org.gridkeeper.app.glue.Connectivity
import org.gridkeeper.app.glue.KeystoreKeys
import org.gridkeeper.app.glue.SyncScheduler
import org.gridkeeper.app.glue.ThumbnailBitmaps
import androidx.compose.ui.graphics.asImageBitmap
import org.gridkeeper.app.shared.Screens
import org.gridkeeper.app.shared.StoreOpener
import org.gridkeeper.app.shared.SyncModel
import org.gridkeeper.SyncTrigger
import org.gridkeeper.screens.SyncDecision
import org.gridkeeper.screens.SyncReason
import org.gridkeeper.keptStorePaths
import org.gridkeeper.screens.Lang
import org.gridkeeper.screens.StoreProblem
import java.security.GeneralSecurityException
import org.gridkeeper.screens.SyncView
import org.gridkeeper.syncKeptStore
import java.io.File
import java.util.Locale
import java.util.concurrent.Executors
import java.util.concurrent.atomic.AtomicBoolean

/**
 * Holds the signed-in worker's store for the whole process: screens, the sync line and the
 * sync worker share it. After a sign-out the next access opens whoever signs in next.
 *
 * The store is opened by the Rust library alone, never through android.database.sqlite
 * (nothing in this app uses SQLiteOpenHelper, Room or a ContentProvider on it): Android's
 * default DatabaseErrorHandler deletes a file SQLite calls corrupt, and every unsynced visit
 * with it. StoreOpener goes through GridStore.openOrRecover, which moves a damaged store aside
 * intact instead.
 */
class GridkeeperApp : Application(), AppServices {
    private val keys by lazy { KeystoreKeys(this) }

    override val rescueDir: File get() = File(cacheDir, "rescue")

    override val thumbnails = Thumbnails { bytes, maxEdge -> ThumbnailBitmaps.decode(bytes, maxEdge)?.asImageBitmap() }

    /** One store per worker who signs in on this phone, named by a random id. */
    val slotsDir: File get() = File(filesDir, "stores")

    private val lock = Any()
    private var current: GridStore? = null
    private var currentScreens: Screens? = null
    private var currentSync: SyncModel? = null

    /** Opened on first use, off the main thread (the first open creates the keystore key). */
    val store: GridStore
        get() = synchronized(lock) {
            current ?: StoreOpener.openActive(
                slotsDir.path,
                File(cacheDir, "attachments").path,
                keys,
                // The single store of versions before several workers becomes the first one's.
                legacy = File(filesDir, "gridkeeper.db"),
            ).also { current = it; watchLocalWrites(it) }
        }

    val lang: Lang get() = if (Locale.getDefault().language == "en") Lang.EN else Lang.ZH

    /** The app core's screens over the worker's store. */
    override val screens: Screens
        get() = synchronized(lock) { currentScreens ?: Screens(store, lang).also { currentScreens = it } }

    /** The one sync line: the bar draws it, and every sync (tapped, triggered, WorkManager's)
     *  runs through it, so the bar shows whichever is under way. */
    override val sync: SyncModel
        get() = synchronized(lock) { currentSync ?: screens.sync().also { currentSync = it } }

    /** After a sign-out: forget the closed store; the next access opens whoever signs in. */
    fun signedOut() {
        synchronized(lock) {
            subscription?.close()
            subscription = null
            currentSync?.close()
            currentSync = null
            currentScreens = null
            current = null
        }
    }

    /** Why the store would not open, for the screen that says what to do. */
    fun problemOf(e: Exception): StoreProblem = when (e) {
        is GridkeeperException.StorageFull -> StoreProblem.STORAGE_FULL
        // The wrapped key does not unwrap, or the keystore lost or invalidated its key.
        is GeneralSecurityException -> StoreProblem.KEY_LOST
        else -> StoreProblem.STORAGE
    }

    /** The worker's choice when the key is gone for good: a new key, the old store and key
     *  file kept aside on the phone, a fresh store to enrol again. */
    fun startOver() {
        synchronized(lock) {
            keys.startOver()
            current = null
            currentScreens = null
        }
    }

    /** The worker's grid, from enrolment; null before enrolment. */
    fun grid(): String? = store.syncStatus().grids.firstOrNull()

    private var subscription: Subscription? = null

    // Sync while the app is in front of the worker: several phone makers force-stop an app
    // swiped from Recents, and then no scheduled background sync ever runs. The rules are
    // the app core's SyncTrigger; this only reports events and runs what it says.
    private val trigger = SyncTrigger()
    private val running = AtomicBoolean(false)
    private val syncThread = Executors.newSingleThreadExecutor()
    private val main by lazy { Handler(Looper.getMainLooper()) }

    fun online(): Boolean = Connectivity.online(this)

    /** Called on start, on resume, after a save and when a connection comes back. */
    fun syncIfDue(reason: SyncReason) {
        syncThread.execute {
            // A store that cannot be opened (the keystore's key gone, a full disk) is the
            // screen's to explain; a background attempt just does nothing.
            val status = try { store.syncStatus() } catch (e: GridkeeperException) { return@execute } catch (e: GeneralSecurityException) { return@execute }
            // Before enrolment there is nowhere to sync to (and a failed try would show as one).
            if (!status.enrolled) return@execute
            val pending = status.pendingChanges + status.pendingUploads
            val decision = try {
                trigger.decide(reason, online(), running.get(), pending, System.currentTimeMillis())
            } catch (e: GridkeeperException) { return@execute }
            when (decision) {
                SyncDecision.Now -> runSync()
                is SyncDecision.Later -> main.postDelayed({ syncIfDue(reason) }, decision.delayMs)
                SyncDecision.No -> Unit
            }
        }
    }

    /** The app leaves the screen: the forms' last keystrokes, held in memory between draft
     *  writes, go to the store before Android may kill the process. */
    fun flushDrafts() {
        syncThread.execute {
            val store = synchronized(lock) { current } ?: return@execute
            try { store.flushDrafts() } catch (e: GridkeeperException) { /* the earlier draft stays */ }
        }
    }

    /** Performs StartSync (the bar's 立即同步) on the sync thread. */
    fun startSync() {
        syncThread.execute { runSync() }
    }

    /** Performs CancelSync: the sync under way stops between rounds. */
    fun cancelSync() = sync.cancel()

    /** Performs SignOut on the sync thread, so it waits for a sync under way to finish. */
    fun signOut() {
        syncThread.execute { kotlinx.coroutines.runBlocking { sync.signOut(slotsDir.path) } }
    }

    /** Blocks for the whole sync: call it off the main thread. Null when one was already
     *  running (that one takes what is queued); else the sync line as it ended. */
    fun runSync(): SyncView? {
        if (!running.compareAndSet(false, true)) return null
        try {
            val line = sync
            runBlocking { line.run() }
            syncKeptStores()
            return line.model.view.value
        } finally {
            running.set(false)
        }
    }

    /** Work of workers who signed out before it went up: pushed, then their store goes. */
    private fun syncKeptStores() {
        val active = org.gridkeeper.activeStorePath(slotsDir.path)
        for (path in keptStorePaths(slotsDir.path)) {
            if (path == active) continue
            try {
                syncKeptStore(slotsDir.path, path, keys.storeKey(), CancelToken())
            } catch (e: GridkeeperException) {
                // Left for the next time; the work stays in its store.
            }
        }
    }

    /** A local write asks the trigger (a sync's own changes notify too, but only pending
     *  outgoing work makes the trigger say yes: no sync loop). WorkManager is a second chance. */
    private fun watchLocalWrites(store: GridStore) {
        subscription = store.subscribe(object : RecordsChanged {
            override fun onRecordsChanged(recordIds: List<String>) {
                if (store.syncStatus().pendingChanges > 0u) {
                    syncIfDue(SyncReason.SAVED)
                    SyncScheduler.soon(this@GridkeeperApp)
                }
            }
        })
    }

    override fun onCreate() {
        super.onCreate()
        SyncScheduler.schedulePeriodic(this)
        syncIfDue(SyncReason.APP_START)
        // Capabilities change with every bar of signal: only a connection coming back counts.
        getSystemService(ConnectivityManager::class.java)
            ?.registerDefaultNetworkCallback(ConnectionBack { syncIfDue(SyncReason.CONNECTED) })
    }
}
