// Helpers for the state holders' tests. The relay, keys, stores, ID numbers and PNG bytes
// come from the bindings' own Kotlin tests (org.gridkeeper.test), compiled beside these.

package org.gridkeeper.app.shared.test

import kotlinx.coroutines.runBlocking
import org.gridkeeper.*
import org.gridkeeper.app.shared.*
import org.gridkeeper.test.key
import org.gridkeeper.test.openStore
import org.gridkeeper.test.tempDir
import java.io.File

const val GRID = "g1"

/** A fresh encrypted store and its repositories, closed by [close]. */
class Phone(name: String) : AutoCloseable {
    val dir: File = tempDir(name)
    val key: ByteArray = key()
    val store: GridStore = openStore(dir, key)
    val repos = Repositories(store)
    val drafts = FileDraftStore(File(dir, "drafts"), AesGcmDraftCipher.fromStoreKey(key))
    override fun close() = store.close()
}

fun <S, E, F> StateHolder<S, E, F>.run(vararg events: E): S = runBlocking {
    events.forEach { send(it) }
    state.value
}

fun <T> phone(name: String, block: (Phone) -> T): T = Phone(name).use(block)

fun household(name: String, building: String, unit: String, room: String,
              vararg tags: MemberTag, idNumber: String? = null, phone: String? = null) = Household(
    address = Address(compound = "幸福里", building = building, unit = unit, room = room),
    housingType = HousingType.OWNER_OCCUPIED,
    members = listOf(Member(name = name, idNumber = idNumber, phone = phone, relation = Relation.HEAD,
        registration = Registration.LOCAL, tags = tags.toList())),
)
