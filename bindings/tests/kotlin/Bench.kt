// Per-call overhead from Kotlin: a list call on a small store (20 households), timed over
// 10,000 calls after a warm-up, beside a call that does no store work, so the difference
// shows what the list costs and the rest is the crossing (JNA + uniffi serialization).
// Then one event's round trip through an app-core screen (Kotlin → Rust update → a new view
// model back), in the same run: the enrolment form's keystroke (no store work, a small view)
// and the household list searched and browsed on a grid of 500 households.
// A bench, not a test: run by `scripts/test-bindings --bench`.

package org.gridkeeper.test

import org.gridkeeper.*
import org.gridkeeper.screens.EnrolEvent
import org.gridkeeper.screens.HouseholdsEvent
import org.gridkeeper.screens.Lang

fun timePerCall(n: Int, f: () -> Unit): Double {
    repeat(1_000) { f() }
    val start = System.nanoTime()
    repeat(n) { f() }
    return (System.nanoTime() - start) / 1_000.0 / n
}

/** The median of [rounds] timings of [n] calls each, in µs per call: a GC pause or a busy
 *  neighbour on the machine moves one round, not the figure. */
fun medianPerCall(n: Int, rounds: Int = 9, f: () -> Unit): Double {
    repeat(n) { f() }
    val each = (1..rounds).map {
        val start = System.nanoTime()
        repeat(n) { f() }
        (System.nanoTime() - start) / 1_000.0 / n
    }
    return each.sorted()[rounds / 2]
}

fun household(i: Int) = Household(
    address = Address(compound = "幸福里", building = "${i % 25 + 1}", unit = "${i % 3 + 1}", room = "${100 + i}"),
    housingType = HousingType.OWNER_OCCUPIED,
    members = listOf(
        Member(name = "住户$i", phone = "138%08d".format(i), relation = Relation.HEAD, registration = Registration.LOCAL),
        Member(name = "家属$i", relation = Relation.SPOUSE, registration = Registration.LOCAL),
    ),
)

fun screens() {
    openStore(tempDir("bench-screens"), key()).use { s ->
        for (i in 1..500) s.createHousehold("g1", household(i))
        EnrolScreen(s, Lang.ZH).use { enrol ->
            HouseholdsScreen(s, "g1", Lang.ZH).use { list ->
                HouseholdsScreen(s, "g1", Lang.ZH).use { browse ->
                    val hits = list.send(HouseholdsEvent.Query("住户12")).view.rows.size
                    val all = browse.send(HouseholdsEvent.Load).view
                    check(hits > 0 && all.groups.isNotEmpty())
                    val empty = medianPerCall(5_000) { s.subscriptionCount() }
                    var k = 0
                    val keystroke = medianPerCall(5_000) { enrol.send(EnrolEvent.Code("ab${k++ % 10}")) }
                    val search = medianPerCall(100) { list.send(HouseholdsEvent.Query("住户12")) }
                    val load = medianPerCall(50) { browse.send(HouseholdsEvent.Load) }
                    println("median of 9 rounds, same run:")
                    println("empty call (subscriptionCount):             %9.2f µs/call".format(empty))
                    println("EnrolScreen.send(Code) (no store work):     %9.2f µs/event".format(keystroke))
                    println("HouseholdsScreen.send(Query) (500 households, %d rows): %9.2f µs/event".format(hits, search))
                    println("HouseholdsScreen.send(Load) (500 households, %d rows, %d buildings): %9.2f µs/event"
                        .format(all.rows.size, all.groups.size, load))
                }
            }
        }
    }
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
    screens()
}
