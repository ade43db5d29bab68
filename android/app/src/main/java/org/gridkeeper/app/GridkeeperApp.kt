package org.gridkeeper.app

import android.app.Application
import android.net.ConnectivityManager
import android.net.Network
import android.net.NetworkCapabilities
import android.os.Handler
import android.os.Looper
import org.gridkeeper.CancelToken
import org.gridkeeper.GridkeeperException
import org.gridkeeper.RecordsChanged
import org.gridkeeper.Subscription
import org.gridkeeper.app.glue.KeystoreKeys
import org.gridkeeper.app.glue.SyncScheduler
import org.gridkeeper.app.shared.AesGcmDraftCipher
import org.gridkeeper.app.shared.DraftStore
import org.gridkeeper.app.shared.FileDraftStore
import org.gridkeeper.app.shared.Lang
import org.gridkeeper.app.shared.Repositories
import org.gridkeeper.app.shared.StoreOpener
import org.gridkeeper.app.shared.SyncDecision
import org.gridkeeper.app.shared.SyncReason
import org.gridkeeper.app.shared.SyncTrigger
import org.gridkeeper.app.shared.screens.SyncRunner
import org.gridkeeper.keptStorePaths
import org.gridkeeper.syncKeptStore
import java.io.File
import java.util.Locale
import java.util.concurrent.Executors
import java.util.concurrent.atomic.AtomicBoolean

/**
 * Holds the signed-in worker's store for the whole process: screens and the sync worker share
 * it. After a sign-out the next access opens whoever signs in next.
 *
 * The store is opened by the Rust library alone, never through android.database.sqlite
 * (nothing in this app uses SQLiteOpenHelper, Room or a ContentProvider on it): Android's
 * default DatabaseErrorHandler deletes a file SQLite calls corrupt, and every unsynced visit
 * with it. StoreOpener goes through GridStore.openOrRecover, which moves a damaged store aside
 * intact instead; the sync bar tells the worker what happened (SyncState.recovery).
 */
class GridkeeperApp : Application() {
    private val keys by lazy { KeystoreKeys(this) }

    /** One store per worker who signs in on this phone, named by a random id. */
    val slotsDir: File get() = File(filesDir, "stores")

    private val lock = Any()
    private var current: Repositories? = null
    private var currentDrafts: DraftStore? = null
    /** The open store's slot id (its file name without `.db`): nothing about the person. */
    private var currentSlot: String? = null

    /** Opened on first use, off the main thread (the first open creates the keystore key). */
    val repos: Repositories
        get() = synchronized(lock) {
            current ?: run {
                currentSlot = File(org.gridkeeper.activeStorePath(slotsDir.path)).nameWithoutExtension
                val store = StoreOpener.openActive(
                    slotsDir.path,
                    File(cacheDir, "attachments").path,
                    keys,
                    // The single store of versions before several workers becomes the first one's.
                    legacy = File(filesDir, "gridkeeper.db"),
                )
                Repositories(store, slotsDir.path).also { current = it; watchLocalWrites(it) }
            }
        }

    /** Drafts belong to the worker too: one directory per store slot. */
    val drafts: DraftStore
        get() = synchronized(lock) {
            currentDrafts ?: run {
                FileDraftStore(draftsDir(), AesGcmDraftCipher.fromStoreKey(keys.storeKey())).also { currentDrafts = it }
            }
        }

    private fun draftsDir(): File {
        val slot = currentSlot ?: run { repos; currentSlot }
        val dir = File(noBackupFilesDir, "worker-drafts/$slot")
        // The drafts of the single-store versions go with the adopted store.
        val legacy = File(noBackupFilesDir, "drafts")
        if (!dir.exists() && legacy.isDirectory) {
            dir.parentFile?.mkdirs()
            legacy.renameTo(dir)
        }
        return dir
    }

    /** After SyncEffect.SignedOut: forget the closed store. Its drafts go only with a removed
     *  store (everything else of that worker is on the server); a kept store keeps them. */
    fun signedOut(removed: Boolean) {
        val slot = synchronized(lock) {
            subscription?.close()
            subscription = null
            current = null
            currentDrafts = null
            currentSlot.also { currentSlot = null }
        }
        if (removed && slot != null) File(noBackupFilesDir, "worker-drafts/$slot").deleteRecursively()
    }

    val lang: Lang get() = if (Locale.getDefault().language == "en") Lang.EN else Lang.ZH

    /** The worker's grid, from enrolment; null before enrolment. */
    fun grid(): String? = repos.sync.status().grids.firstOrNull()

    private var subscription: Subscription? = null

    // Sync while the app is in front of the worker: several phone makers force-stop an app
    // swiped from Recents, and then no scheduled background sync ever runs. The rules are
    // SyncTrigger's (android/shared, tested); this only reports events and runs what it says.
    private val trigger = SyncTrigger()
    private val running = AtomicBoolean(false)
    private val syncThread = Executors.newSingleThreadExecutor()
    private val main by lazy { Handler(Looper.getMainLooper()) }

    fun online(): Boolean {
        val cm = getSystemService(ConnectivityManager::class.java) ?: return false
        val caps = cm.getNetworkCapabilities(cm.activeNetwork) ?: return false
        return caps.hasCapability(NetworkCapabilities.NET_CAPABILITY_VALIDATED)
    }

    /** Called on start, on resume, after a save and when a connection comes back. */
    fun syncIfDue(reason: SyncReason) {
        syncThread.execute {
            val status = try { repos.sync.status() } catch (e: GridkeeperException) { return@execute }
            // Before enrolment there is nowhere to sync to (and a failed try would show as one).
            if (!status.enrolled) return@execute
            val pending = (status.pendingChanges + status.pendingUploads).toLong()
            when (val d = trigger.decide(reason, online(), running.get(), pending)) {
                SyncDecision.Now -> runSync()
                is SyncDecision.Later -> main.postDelayed({ syncIfDue(reason) }, d.delayMillis)
                SyncDecision.No -> Unit
            }
        }
    }

    /** On the sync thread; a failure is already recorded in the store's status for the bar. */
    private fun runSync() {
        if (!running.compareAndSet(false, true)) return
        try {
            SyncRunner(repos).run(CancelToken())
            syncKeptStores()
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
                if (syncKeptStore(slotsDir.path, path, keys.storeKey(), CancelToken())) {
                    File(noBackupFilesDir, "worker-drafts/${File(path).nameWithoutExtension}").deleteRecursively()
                }
            } catch (e: GridkeeperException) {
                // Left for the next time; the work stays in its store.
            }
        }
    }

    /** A local write asks the trigger (a sync's own changes notify too, but only pending
     *  outgoing work makes the trigger say yes: no sync loop). WorkManager is a second chance. */
    private fun watchLocalWrites(repos: Repositories) {
        subscription = repos.store.subscribe(object : RecordsChanged {
            override fun onRecordsChanged(recordIds: List<String>) {
                if (repos.sync.status().pendingChanges > 0u) {
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
        getSystemService(ConnectivityManager::class.java)?.registerDefaultNetworkCallback(
            object : ConnectivityManager.NetworkCallback() {
                private var wasOnline = false

                override fun onCapabilitiesChanged(network: Network, caps: NetworkCapabilities) {
                    val now = caps.hasCapability(NetworkCapabilities.NET_CAPABILITY_VALIDATED)
                    if (now && !wasOnline) syncIfDue(SyncReason.CONNECTED)
                    wasOnline = now
                }

                override fun onLost(network: Network) {
                    wasOnline = false
                }
            },
        )
    }
}
