package org.gridkeeper.app.shared.test

import org.gridkeeper.*
import org.gridkeeper.app.shared.*
import org.gridkeeper.app.shared.screens.*
import org.junit.Assert.*
import org.junit.Test
import java.io.File

class DraftsTest {
    @Test
    fun aFormTypedIntoSurvivesTheProcessBeingKilled() = phone("drafts") { p ->
        val first = HouseholdEditHolder(p.repos, p.drafts, GRID, null)
        first.run(
            HouseholdEditEvent.Load,
            HouseholdEditEvent.Field("address.building", "7"),
            HouseholdEditEvent.Field("address.room", "302"),
            HouseholdEditEvent.Field("members[0].name", "陈秀英"),
            HouseholdEditEvent.ToggleTag(0, MemberTag.SOLITARY_ELDERLY),
            HouseholdEditEvent.AddMember,
            HouseholdEditEvent.Field("members[1].name", "陈小明"),
        )
        // The process dies: nothing of `first` is used again; a new draft store reads the files.
        val reopened = FileDraftStore(File(p.dir, "drafts"), AesGcmDraftCipher.fromStoreKey(p.key))
        val second = HouseholdEditHolder(p.repos, reopened, GRID, null)
        val s = second.run(HouseholdEditEvent.Load)
        assertTrue(s.restoredDraft)
        assertEquals("7", s.form.building)
        assertEquals("302", s.form.room)
        assertEquals(listOf("陈秀英", "陈小明"), s.form.members.map { it.name })
        assertEquals(setOf(MemberTag.SOLITARY_ELDERLY), s.form.members[0].tags)
        assertEquals(Relation.HEAD, s.form.members[0].relation)
    }

    @Test
    fun draftsAreEncryptedAtRestAndUnreadableUnderAnotherKey() {
        val dir = org.gridkeeper.test.tempDir("drafts-key")
        val key = org.gridkeeper.test.key()
        FileDraftStore(dir, AesGcmDraftCipher.fromStoreKey(key)).save("household:new", mapOf("members[0].name" to "陈秀英"))
        val bytes = dir.listFiles()!!.single().readBytes()
        assertFalse(String(bytes, Charsets.UTF_8).contains("陈秀英"))
        assertFalse(String(bytes, Charsets.ISO_8859_1).contains("\\u9648"))
        assertEquals(mapOf("members[0].name" to "陈秀英"), FileDraftStore(dir, AesGcmDraftCipher.fromStoreKey(key)).load("household:new"))
        assertNull(FileDraftStore(dir, AesGcmDraftCipher.fromStoreKey(org.gridkeeper.test.key())).load("household:new"))
    }

    @Test
    fun aSavedRecordClearsItsDraft() = phone("drafts-clear") { p ->
        val h = HouseholdEditHolder(p.repos, p.drafts, GRID, null)
        h.run(HouseholdEditEvent.Load, HouseholdEditEvent.Field("address.building", "1"),
            HouseholdEditEvent.Field("address.room", "101"), HouseholdEditEvent.Field("members[0].name", "周平"),
            HouseholdEditEvent.Save)
        assertTrue(h.pollEffect() is HouseholdEditEffect.Saved)
        assertNull(p.drafts.load("household:new"))
        assertFalse(HouseholdEditHolder(p.repos, p.drafts, GRID, null).run(HouseholdEditEvent.Load).restoredDraft)
    }
}
