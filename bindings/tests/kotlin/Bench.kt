// Per-call overhead from Kotlin: a list call on a small store (20 households), timed over
// 10,000 calls after a warm-up, beside a call that does no store work, so the difference
// shows what the list costs and the rest is the crossing (JNA + uniffi serialization).
// A bench, not a test: run by `scripts/test-bindings --bench`.

package org.gridkeeper.test

import org.gridkeeper.*

fun timePerCall(n: Int, f: () -> Unit): Double {
    repeat(1_000) { f() }
    val start = System.nanoTime()
    repeat(n) { f() }
    return (System.nanoTime() - start) / 1_000.0 / n
}

fun main() {
    openStore(tempDir("bench"), key()).use { s ->
        for (i in 1..20) {
            s.createHousehold("g1", Household(
                address = Address(compound = "幸福里", building = "${i % 5 + 1}", room = "${100 + i}"),
                housingType = HousingType.OWNER_OCCUPIED,
                members = listOf(Member(name = "住户$i", phone = "138%08d".format(i),
                    relation = Relation.HEAD, registration = Registration.LOCAL))))
        }
        val n = 10_000
        val empty = timePerCall(n) { s.subscriptionCount() }
        val list = timePerCall(n) { check(s.listHouseholds("g1", null).size == 20) }
        val search = timePerCall(n) { s.search("zh", null, null, 20u) }
        println("empty call (subscriptionCount):      %.2f µs/call".format(empty))
        println("listHouseholds (20 rows):            %.2f µs/call".format(list))
        println("search(\"zh\") (20 hits):             %.2f µs/call".format(search))
    }
}
