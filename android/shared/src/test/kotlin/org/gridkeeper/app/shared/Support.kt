// Helpers for the adapters' tests. The relay, keys, stores, ID numbers and PNG bytes come
// from the bindings' own Kotlin tests (org.gridkeeper.test), compiled beside these.

package org.gridkeeper.app.shared.test

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.runBlocking
import org.gridkeeper.*
import org.gridkeeper.app.shared.*
import org.gridkeeper.screens.Effect
import org.gridkeeper.screens.Lang
import org.gridkeeper.test.key
import org.gridkeeper.test.openStore
import org.gridkeeper.test.tempDir
import java.io.File

const val GRID = "g1"

/** A fresh encrypted store and the screens over it, closed by [close]. */
class Phone(name: String, lang: Lang = Lang.ZH) : AutoCloseable {
    val dir: File = tempDir(name)
    val store: GridStore = openStore(dir, key())
    val screens = Screens(store, lang, Dispatchers.IO)
    override fun close() = store.close()
}

fun <T> phone(name: String, block: (Phone) -> T): T = Phone(name).use(block)

/** Sends the events in order, as taps would, and gives back the view after the last. */
fun <E, V> ScreenModel<E, V>.run(vararg events: E): V = runBlocking {
    events.forEach { send(it) }
    view.value
}

/** Every effect the model has handed out and nobody has collected yet. */
fun ScreenModel<*, *>.drainEffects(): List<Effect> = generateSequence { pollEffect() }.toList()

fun household(name: String, building: String, unit: String, room: String) = Household(
    address = Address(compound = "幸福里", building = building, unit = unit, room = room),
    housingType = HousingType.OWNER_OCCUPIED,
    members = listOf(Member(name = name, relation = Relation.HEAD, registration = Registration.LOCAL)),
)

/** Waits (briefly) for a view handed over by a watch on the store's notifying thread. */
fun <V> awaitView(model: ScreenModel<*, V>, what: String, ok: (V) -> Boolean): V {
    val deadline = System.nanoTime() + 5_000_000_000L
    while (!ok(model.view.value)) {
        check(System.nanoTime() < deadline) { "no view with $what" }
        Thread.sleep(10)
    }
    return model.view.value
}
