package org.gridkeeper.app.shared

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.receiveAsFlow
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock
import kotlinx.coroutines.withContext
import org.gridkeeper.GridkeeperException
import org.gridkeeper.screens.Effect

/** What one call into a screen gave back: its new view and the effects for the shell. */
data class Update<V>(val view: V, val effects: List<Effect>)

/**
 * One screen of the app core as the shell holds it: the core's view as a [StateFlow], events
 * in, effects out. Nothing here decides anything the worker sees; the view is drawn as it is.
 *
 * Events go to the core one at a time, in order, on [io] (the calls block on the store): a
 * double tap on 保存 queues a second Save behind the first, and the core, which has already
 * closed the form, ignores it; a keystroke's draft cannot overtake a slow save.
 */
class ScreenModel<E, V>(
    initial: V,
    private val io: CoroutineDispatcher = Dispatchers.IO,
    private val core: (E) -> Update<V>,
) : AutoCloseable {
    private val mutableView = MutableStateFlow(initial)
    val view: StateFlow<V> = mutableView.asStateFlow()

    // Unlimited: an effect must never be dropped because the screen was not collecting yet
    // (a save's Close arriving during a rotation).
    private val effectChannel = Channel<Effect>(Channel.UNLIMITED)
    val effects: Flow<Effect> = effectChannel.receiveAsFlow()

    private val mutableFailure = MutableStateFlow<GridkeeperException?>(null)

    /** A call the core refused as a whole (store closed by a sign-out, storage full): the
     *  screen's own view cannot say it, so the shell shows its own line. */
    val failure: StateFlow<GridkeeperException?> = mutableFailure.asStateFlow()

    private val order = Mutex()
    private val held = mutableListOf<AutoCloseable>()

    suspend fun send(event: E) = order.withLock { call { core(event) } }

    /**
     * Long background work a screen asked for (a sync, an enrolment): outside the event order,
     * so the worker can still press 取消 (an event) while it runs.
     */
    suspend fun perform(work: () -> Update<V>) = call(work)

    /** A view handed over by a watch or a sync's progress, on whatever thread it came. */
    fun show(view: V) {
        mutableView.value = view
    }

    /** The next effect not yet collected, if any (tests, and a screen's one-shot read). */
    fun pollEffect(): Effect? = effectChannel.tryReceive().getOrNull()

    /** Closed with the model: the screen object and its watch subscription. */
    fun <T : AutoCloseable> hold(resource: T): T = resource.also { synchronized(held) { held += it } }

    override fun close() {
        val all = synchronized(held) { held.toList().also { held.clear() } }
        // The subscription first, so no view arrives for a screen being released.
        all.asReversed().forEach { it.close() }
        effectChannel.close()
    }

    private suspend fun call(work: () -> Update<V>) {
        val update = try {
            withContext(io) { work() }
        } catch (e: GridkeeperException) {
            mutableFailure.value = e
            return
        }
        mutableFailure.value = null
        mutableView.value = update.view
        update.effects.forEach { effectChannel.trySend(it) }
    }
}
