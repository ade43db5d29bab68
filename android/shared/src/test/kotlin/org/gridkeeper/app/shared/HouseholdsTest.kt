package org.gridkeeper.app.shared.test

import org.gridkeeper.*
import org.gridkeeper.app.shared.*
import org.gridkeeper.app.shared.screens.*
import org.gridkeeper.test.idNumber
import org.junit.Assert.*
import org.junit.Test

class HouseholdsTest {
    private fun seed(p: Phone): Map<String, String> = mapOf(
        "张三" to p.store.createHousehold(GRID, household("张三", "1", "1", "101", MemberTag.SOLITARY_ELDERLY)),
        "李四" to p.store.createHousehold(GRID, household("李四", "1", "2", "201")),
        "王五" to p.store.createHousehold(GRID, household("王五", "10", "1", "102", MemberTag.LEFT_BEHIND_CHILD)),
        "赵六" to p.store.createHousehold(GRID, household("赵六", "2", "1", "301")),
    )

    @Test
    fun searchFindsByChineseAndPinyinInitials() = phone("hh-search") { p ->
        val ids = seed(p)
        val h = HouseholdsHolder(p.repos, GRID)
        assertEquals(listOf(ids["张三"]), h.run(HouseholdsEvent.Query("zs")).rows.map { it.id })
        assertEquals(listOf(ids["李四"]), h.run(HouseholdsEvent.Query("李四")).rows.map { it.id })
        assertEquals(4, h.run(HouseholdsEvent.Query("")).rows.size)
    }

    @Test
    fun aTagFilterKeepsOnlyThatGroup() = phone("hh-tag") { p ->
        val ids = seed(p)
        val s = HouseholdsHolder(p.repos, GRID).run(HouseholdsEvent.Load, HouseholdsEvent.Tag(MemberTag.LEFT_BEHIND_CHILD))
        assertEquals(listOf(ids["王五"]), s.rows.map { it.id })
        assertEquals(listOf("留守儿童"), s.rows.single().tags)
    }

    @Test
    fun browsingGoesBuildingThenUnitThenRooms() = phone("hh-browse") { p ->
        val ids = seed(p)
        val h = HouseholdsHolder(p.repos, GRID)
        assertEquals(listOf("1", "2", "10"), h.run(HouseholdsEvent.Load).groups)
        val building = h.run(HouseholdsEvent.Browse("1"))
        assertEquals(listOf("1", "2"), building.groups)
        assertEquals(setOf(ids["张三"], ids["李四"]), building.rows.map { it.id }.toSet())
        val unit = h.run(HouseholdsEvent.Browse("2"))
        assertEquals(listOf(ids["李四"]), unit.rows.map { it.id })
        assertTrue(unit.groups.isEmpty())
        assertEquals(listOf("1", "2"), h.run(HouseholdsEvent.Up).groups)
        h.run(HouseholdsEvent.Open(ids["李四"]!!))
        assertEquals(HouseholdsEffect.OpenHousehold(ids["李四"]!!), h.pollEffect())
    }
}

class HouseholdDetailTest {
    @Test
    fun membersShowMaskedUntilRevealedWithTagsAndVisits() = phone("hh-detail") { p ->
        val id = idNumber("110105", "19400301", 12)
        val hid = p.store.createHousehold(GRID, household("李奶奶", "3", "2", "501", MemberTag.SOLITARY_ELDERLY,
            idNumber = id, phone = "13812345678"))
        p.store.createVisit(GRID, Visit(subject = Subject(SubjectKind.HOUSEHOLD, hid), purpose = VisitPurpose.SPECIAL_GROUP_CARE))
        val h = HouseholdDetailHolder(p.repos, hid)
        val s = h.run(HouseholdDetailEvent.Load)
        val m = s.members.single()
        assertEquals("138****5678", m.phone)
        assertEquals(id.take(6) + "********" + id.takeLast(4), m.idNumber)
        assertEquals(listOf("独居老人"), m.tags)
        assertEquals("户主", m.relation)
        assertEquals("幸福里 3栋 2单元 501", s.address)
        assertEquals(listOf("特殊群体关爱"), s.visits.map { it.purpose })
        val open = h.run(HouseholdDetailEvent.Reveal(m.id)).members.single()
        assertEquals(id, open.idNumber)
        assertEquals("13812345678", open.phone)
        h.run(HouseholdDetailEvent.Visit(m.id))
        assertEquals(HouseholdDetailEffect.StartVisit(hid, m.id), h.pollEffect())
    }
}

class HouseholdEditTest {
    @Test
    fun aWrongIdNumberIsShownBesideThatMembersInput() = phone("hh-edit") { p ->
        val h = HouseholdEditHolder(p.repos, MemoryDraftStore(), GRID, null)
        val s = h.run(
            HouseholdEditEvent.Load,
            HouseholdEditEvent.Field("address.building", "5"), HouseholdEditEvent.Field("address.room", "101"),
            HouseholdEditEvent.Field("members[0].name", "张三"),
            HouseholdEditEvent.AddMember,
            HouseholdEditEvent.Field("members[1].name", "张四"),
            HouseholdEditEvent.Field("members[1].id_number", "110105194003011234"),
            HouseholdEditEvent.Save,
        )
        assertEquals(mapOf("members[1].id_number" to "身份证号：校验位不对，请核对是否输错"), s.errors)
        assertNull(h.pollEffect())
        assertTrue(p.store.listHouseholds(null, null).isEmpty())
        // Typing in the input clears its message; a valid number saves.
        val fixed = h.run(HouseholdEditEvent.Field("members[1].id_number", idNumber("110105", "19400301", 12)))
        assertTrue(fixed.errors.isEmpty())
        h.run(HouseholdEditEvent.Save)
        val saved = h.pollEffect() as HouseholdEditEffect.Saved
        assertEquals(listOf("张三", "张四"), p.store.getHousehold(saved.id).data.members.map { it.name })
    }

    @Test
    fun messagesNameTheFieldInEnglishToo() = phone("hh-edit-en") { p ->
        val h = HouseholdEditHolder(p.repos, MemoryDraftStore(), GRID, null, Lang.EN)
        val s = h.run(HouseholdEditEvent.Load, HouseholdEditEvent.Field("address.building", "5"),
            HouseholdEditEvent.Field("address.room", "101"), HouseholdEditEvent.Field("members[0].name", "张三"),
            HouseholdEditEvent.Field("members[0].phone", "12345"), HouseholdEditEvent.Save)
        assertEquals(listOf("members[0].phone"), s.errors.keys.toList())
        assertTrue(s.errors.values.single(), s.errors.values.single().startsWith("Phone: "))
    }

    @Test
    fun aHouseholdWithoutAnAddressIsRefusedOnTheAddress() = phone("hh-edit-addr") { p ->
        val s = HouseholdEditHolder(p.repos, MemoryDraftStore(), GRID, null)
            .run(HouseholdEditEvent.Load, HouseholdEditEvent.Field("members[0].name", "张三"), HouseholdEditEvent.Save)
        val (path, message) = s.errors.entries.single()
        assertTrue(path, path.startsWith("address"))
        assertTrue(message, message.endsWith("请填写楼栋和户室，或填写完整地址"))
    }

    @Test
    fun editingKeepsWhatTheFormDoesNotShow() = phone("hh-edit-keep") { p ->
        val hid = p.store.createHousehold(GRID, household("李奶奶", "3", "2", "501",
            idNumber = idNumber("110105", "19400301", 12)))
        val h = HouseholdEditHolder(p.repos, MemoryDraftStore(), GRID, hid)
        val s = h.run(HouseholdEditEvent.Load)
        assertFalse(s.isNew)
        assertEquals("李奶奶", s.form.members.single().name)
        h.run(HouseholdEditEvent.Field("members[0].phone", "13900001111"), HouseholdEditEvent.Save)
        assertEquals(HouseholdEditEffect.Saved(hid), h.pollEffect())
        val m = p.store.getHousehold(hid).data.members.single()
        assertEquals("13900001111", m.phone)
        assertEquals("1940-03-01", m.birthDate)
        assertEquals(Gender.FEMALE, m.gender)
    }
}
