package org.gridkeeper.app.shared

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.receiveAsFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock
import kotlinx.coroutines.withContext

/**
 * One per screen: state as immutable data, events in, one-shot effects out (navigate, a
 * toast). Events are handled one at a time, in order, so a double tap on 保存 cannot write
 * twice and a slow save cannot be overtaken by the next keystroke's draft.
 *
 * The store's calls block, so they run on [io]; a screen calls [send] from its scope
 * (`scope.launch { holder.send(e) }`) and a test awaits it.
 */
abstract class StateHolder<S, E, F>(initial: S, private val io: CoroutineDispatcher) {
    private val mutableState = MutableStateFlow(initial)
    val state: StateFlow<S> = mutableState.asStateFlow()
    private val effectChannel = Channel<F>(Channel.BUFFERED)
    val effects: Flow<F> = effectChannel.receiveAsFlow()
    private val order = Mutex()

    suspend fun send(event: E) = order.withLock { handle(event) }

    protected abstract suspend fun handle(event: E)

    protected fun update(change: (S) -> S) = mutableState.update(change)

    protected fun emit(effect: F) {
        effectChannel.trySend(effect)
    }

    protected suspend fun <T> io(block: () -> T): T = withContext(io) { block() }

    /** The next effect not yet collected, if any (for a screen's one-shot read and tests). */
    fun pollEffect(): F? = effectChannel.tryReceive().getOrNull()

    companion object {
        val defaultIo: CoroutineDispatcher get() = Dispatchers.IO
    }
}
