package org.gridkeeper.app.glue

import android.content.Context
import androidx.work.BackoffPolicy
import androidx.work.Constraints
import androidx.work.CoroutineWorker
import androidx.work.ExistingPeriodicWorkPolicy
import androidx.work.ExistingWorkPolicy
import androidx.work.NetworkType
import androidx.work.OneTimeWorkRequestBuilder
import androidx.work.PeriodicWorkRequestBuilder
import androidx.work.WorkManager
import androidx.work.WorkerParameters
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.currentCoroutineContext
import kotlinx.coroutines.job
import kotlinx.coroutines.withContext
import org.gridkeeper.app.GridkeeperApp
import java.util.concurrent.TimeUnit

/** One background sync; WorkManager runs it only with a connection, and retries with backoff. */
class SyncWorker(context: Context, params: WorkerParameters) : CoroutineWorker(context, params) {
    override suspend fun doWork(): Result {
        val app = applicationContext as GridkeeperApp
        // WorkManager stopping the work (connection lost, quota) stops the sync between rounds.
        currentCoroutineContext().job.invokeOnCompletion { app.cancelSync() }
        // The same sync line as on screen: the bar shows this run's progress and outcome.
        val view = withContext(Dispatchers.IO) { app.runSync() } ?: return Result.success()
        return when {
            // Not enrolled or revoked: trying again will not help; the bar says why.
            !view.enrolled -> Result.failure()
            view.error == null -> Result.success()
            else -> Result.retry()
        }
    }
}

object SyncScheduler {
    private val online = Constraints.Builder().setRequiredNetworkType(NetworkType.CONNECTED).build()

    /** Every half hour while there is a connection. */
    fun schedulePeriodic(context: Context) {
        val request = PeriodicWorkRequestBuilder<SyncWorker>(30, TimeUnit.MINUTES)
            .setConstraints(online)
            .setBackoffCriteria(BackoffPolicy.EXPONENTIAL, 30, TimeUnit.SECONDS)
            .build()
        WorkManager.getInstance(context).enqueueUniquePeriodicWork("sync", ExistingPeriodicWorkPolicy.KEEP, request)
    }

    /** After a local write: once, as soon as a connection appears. A short delay gathers a
     *  form's several writes into one sync; KEEP leaves one already waiting in place. */
    fun soon(context: Context) {
        val request = OneTimeWorkRequestBuilder<SyncWorker>()
            .setConstraints(online)
            .setInitialDelay(15, TimeUnit.SECONDS)
            .setBackoffCriteria(BackoffPolicy.EXPONENTIAL, 30, TimeUnit.SECONDS)
            .build()
        WorkManager.getInstance(context).enqueueUniqueWork("sync-soon", ExistingWorkPolicy.KEEP, request)
    }
}
