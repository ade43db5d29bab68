package org.gridkeeper.app.shared.test

import org.gridkeeper.*
import org.gridkeeper.app.shared.screens.*
import org.gridkeeper.test.Relay
import org.junit.Assert.*
import org.junit.Test

class ConflictsTest {
    @Test
    fun twoPhonesSettingOnePhoneNumberShowBothValuesAndATapSettlesIt() = phone("conflict-a") { a ->
        phone("conflict-b") { b ->
            a.store.enroll(Relay.url, Relay.code("冯刚"))
            b.store.enroll(Relay.url, Relay.code("陈静"))
            val runA = SyncRunner(a.repos)
            val runB = SyncRunner(b.repos)
            val hid = a.store.createHousehold(GRID, household("何伯", "9", "1", "101", phone = "13800000000"))
            runA.run(CancelToken()); runB.run(CancelToken())
            val ra = a.store.getHousehold(hid)
            a.store.updateHousehold(ra, ra.data.copy(members = ra.data.members.map { it.copy(phone = "13811111111") }))
            val rb = b.store.getHousehold(hid)
            b.store.updateHousehold(rb, rb.data.copy(members = rb.data.members.map { it.copy(phone = "13822222222") }))
            runA.run(CancelToken()); runB.run(CancelToken())

            val h = ConflictsHolder(b.repos, hid)
            val s = h.run(ConflictsEvent.Load)
            val line = s.conflicts.single()
            assertEquals("手机号", line.field)
            assertEquals(setOf("13811111111", "13822222222"), line.choices.map { it.value }.toSet())
            assertEquals(setOf("冯刚", "陈静"), line.choices.map { it.who }.toSet())
            assertEquals(1, line.choices.count { it.shownNow })
            val mine = line.choices.first { it.value == "13822222222" }
            val after = h.run(ConflictsEvent.Pick(line.path, mine.index))
            assertTrue(after.conflicts.isEmpty())
            assertEquals(ConflictsEffect.AllResolved, h.pollEffect())
            assertEquals("13822222222", b.store.getHousehold(hid).data.members[0].phone)
        }
    }
}
