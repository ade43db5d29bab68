package org.gridkeeper.app.ui

import androidx.compose.runtime.Composable
import androidx.compose.runtime.staticCompositionLocalOf

/**
 * The shell's own words: titles and button names from the app's `strings.xml` resources (everything a
 * record says comes worded in the core's views). On the phone they are Android's string
 * resources; the JVM check reads the same files, so both draw the same words for one `R.string`.
 */
fun interface Words {
    fun get(id: Int, args: Array<out Any>): String
}

val LocalWords = staticCompositionLocalOf<Words> { error("LocalWords is not provided around the screens") }

/** The word [id] in the worker's language, `%1$s`-style arguments filled in as Android does. */
@Composable
fun word(id: Int, vararg args: Any): String = LocalWords.current.get(id, args)
