package org.gridkeeper.app.shared.test

import org.gridkeeper.app.shared.*
import org.gridkeeper.app.shared.screens.*
import org.gridkeeper.test.Relay
import org.junit.Assert.*
import org.junit.Test
import java.net.URLEncoder

class EnrolTest {
    @Test
    fun enrollingWithACodeFromTheSupervisorGivesTheWorkersGrid() = phone("enrol") { p ->
        val h = EnrolHolder(p.repos)
        val s = h.run(EnrolEvent.Server(Relay.url), EnrolEvent.Code(Relay.code("赵敏")), EnrolEvent.Submit)
        assertEquals(listOf(GRID), s.enrolment?.grids)
        assertNull(s.banner)
        assertEquals(EnrolEffect.Enrolled(listOf(GRID)), h.pollEffect())
        assertTrue(p.store.syncStatus().enrolled)
    }

    @Test
    fun aScannedQrCodeEnrolsInOneStep() = phone("enrol-qr") { p ->
        val qr = "gridkeeper:enrol?server=${URLEncoder.encode(Relay.url, "UTF-8")}&code=${Relay.code("孙丽")}"
        val s = EnrolHolder(p.repos).run(EnrolEvent.QrScanned(qr))
        assertEquals(listOf(GRID), s.enrolment?.grids)
        val bad = EnrolHolder(p.repos, Lang.ZH).run(EnrolEvent.QrScanned("https://example.com/"))
        assertEquals("二维码不是网格管家的注册码", bad.banner)
    }

    @Test
    fun emptyInputsAndAWrongCodeAreExplainedInWords() = phone("enrol-bad") { p ->
        val h = EnrolHolder(p.repos)
        val empty = h.run(EnrolEvent.Submit)
        assertEquals("服务器地址：必须填写", empty.errors["server"])
        assertEquals("注册码：必须填写", empty.errors["code"])
        val wrong = h.run(EnrolEvent.Server(Relay.url), EnrolEvent.Code("not-a-code"), EnrolEvent.Submit)
        assertTrue(wrong.errors.isEmpty())
        assertNull(wrong.enrolment)
        assertFalse(wrong.busy)
        assertTrue("banner: ${wrong.banner}", !wrong.banner.isNullOrBlank())
        assertNull(h.pollEffect())
    }
}
