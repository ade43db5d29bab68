package org.gridkeeper.app

import android.app.Application
import org.gridkeeper.GridStore
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
import java.io.File
import java.util.Locale

/** Holds the phone's one store for the whole process: screens and the sync worker share it. */
class GridkeeperApp : Application() {
    private val keys by lazy { KeystoreKeys(this) }

    /** Opened on first use, off the main thread (the first open creates the keystore key). */
    val repos: Repositories by lazy {
        val store: GridStore = StoreOpener.open(
            File(filesDir, "gridkeeper.db").path,
            File(cacheDir, "attachments").path,
            keys,
        )
        Repositories(store).also { watchLocalWrites(it) }
    }

    val drafts: DraftStore by lazy {
        FileDraftStore(File(noBackupFilesDir, "drafts"), AesGcmDraftCipher.fromStoreKey(keys.storeKey()))
    }

    val lang: Lang get() = if (Locale.getDefault().language == "en") Lang.EN else Lang.ZH

    /** The worker's grid, from enrolment; null before enrolment. */
    fun grid(): String? = repos.sync.status().grids.firstOrNull()

    private var subscription: Subscription? = null

    /** A local write queues a sync that runs as soon as there is a connection. A sync's own
     *  changes notify too, so only pending outgoing work schedules one (no sync loop). */
    private fun watchLocalWrites(repos: Repositories) {
        subscription = repos.store.subscribe(object : RecordsChanged {
            override fun onRecordsChanged(recordIds: List<String>) {
                if (repos.sync.status().pendingChanges > 0u) SyncScheduler.soon(this@GridkeeperApp)
            }
        })
    }

    override fun onCreate() {
        super.onCreate()
        SyncScheduler.schedulePeriodic(this)
    }
}
