package org.gridkeeper.jvm

import org.gridkeeper.app.ui.Words
import org.gridkeeper.screens.Lang
import java.util.Locale

/**
 * The shell's words as the phone resolves them: English from values-en, Chinese (the default
 * resources) where English has none, arguments filled in with String.format as
 * Resources.getString(id, args) does.
 */
class ResourceWords(private val lang: Lang) : Words {
    private val locale = if (lang == Lang.EN) Locale.ENGLISH else Locale.SIMPLIFIED_CHINESE

    override fun get(id: Int, args: Array<out Any>): String {
        val (name, texts) = StringTable.rows[id] ?: error("no string resource 0x${id.toString(16)}")
        val text = if (lang == Lang.EN) texts.second ?: texts.first else texts.first
        check(text.isNotEmpty()) { "string $name is empty" }
        return if (args.isEmpty()) text else String.format(locale, text, *args)
    }

    companion object {
        /** Names of the words values-en lacks (the phone would show them in Chinese). */
        fun missingInEnglish(): List<String> = StringTable.rows.values.filter { it.second.second == null }.map { it.first }
    }
}
