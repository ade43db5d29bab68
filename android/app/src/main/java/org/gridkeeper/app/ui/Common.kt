package org.gridkeeper.app.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.text.TextRange
import androidx.compose.ui.text.input.TextFieldValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.semantics.LiveRegionMode
import androidx.compose.ui.semantics.error
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.liveRegion
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.unit.dp
import androidx.lifecycle.ViewModel
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import androidx.lifecycle.viewModelScope
import androidx.lifecycle.viewmodel.compose.viewModel
import androidx.lifecycle.viewmodel.initializer
import androidx.lifecycle.viewmodel.viewModelFactory
import kotlinx.coroutines.launch
import org.gridkeeper.app.EffectPerformer
import org.gridkeeper.app.Answers
import org.gridkeeper.app.R
import org.gridkeeper.app.shared.ScreenModel

/**
 * Keeps a screen's model across rotation, sends its events on the ViewModel's scope (so a
 * save under way finishes even if the worker leaves the screen) and closes it, with its watch
 * and the core's screen object, when the screen is gone for good.
 */
class ModelVm<E, V>(val model: ScreenModel<E, V>, val owner: Any? = null) : ViewModel() {
    fun send(event: E) {
        viewModelScope.launch { model.send(event) }
    }

    override fun onCleared() = model.close()
}

@Composable
fun <E, V> rememberModel(key: String, make: () -> ScreenModel<E, V>): ModelVm<E, V> =
    viewModel(key = key, factory = viewModelFactory { initializer { ModelVm(make()) } })

/**
 * The core's view for composition. Each effect goes to [performer]; its answer (a photo's
 * file, a location) comes back through [answers] as this screen's event.
 */
@Composable
fun <E, V> ScreenModel<E, V>.collect(performer: EffectPerformer, answers: Answers<E> = Answers()): V {
    val current by view.collectAsStateWithLifecycle()
    LaunchedEffect(this) { effects.collect { performer.perform(it, answers) { e -> send(e) } } }
    return current
}

@Composable
fun <E, V> ModelVm<E, V>.collect(performer: EffectPerformer, answers: Answers<E> = Answers()): V =
    model.collect(performer, answers)

/** A call the core refused as a whole (the store closed by a sign-out, the disk full). */
@Composable
fun ModelVm<*, *>.failureLine() = model.failureLine()

@Composable
fun ScreenModel<*, *>.failureLine() {
    val refused by failure.collectAsStateWithLifecycle()
    if (refused != null) Banner(word(R.string.storage_failed))
}

/** A text input with its label and, beneath it, the message core gave for this field. */
@Composable
fun FieldInput(
    label: String,
    value: String,
    error: String?,
    onChange: (String) -> Unit,
    modifier: Modifier = Modifier,
    keyboard: KeyboardType = KeyboardType.Text,
    singleLine: Boolean = true,
    enabled: Boolean = true,
) {
    val (text, onText) = localText(value, onChange)
    OutlinedTextField(
        value = text,
        onValueChange = onText,
        label = { Text(label) },
        isError = error != null,
        supportingText = if (error != null) { { Text(error) } } else null,
        singleLine = singleLine,
        minLines = if (singleLine) 1 else 3,
        enabled = enabled,
        keyboardOptions = KeyboardOptions(keyboardType = keyboard),
        modifier = modifier
            .fillMaxWidth()
            .semantics { if (error != null) this.error(error) },
    )
}

/**
 * The text as the worker types it, kept in the field: the core's view of it comes back a moment
 * later, and a field drawn from that would be reset to an older text while the worker types on
 * (a keystroke lost, a pinyin composition broken mid-word). What the core says comes back only
 * when it is not an echo of something typed here: a draft restored, a code scanned, a form
 * cleared. [send] gets each new text; trimming or other tidying by the core is an echo too.
 */
@Composable
fun localText(value: String, send: (String) -> Unit): Pair<TextFieldValue, (TextFieldValue) -> Unit> {
    var text by remember { mutableStateOf(TextFieldValue(value, TextRange(value.length))) }
    val typed = remember { ArrayDeque<String>() }
    LaunchedEffect(value) {
        val echo = typed.any { it == value || it.trim() == value }
        if (!echo && value != text.text) text = TextFieldValue(value, TextRange(value.length))
    }
    return text to { next: TextFieldValue ->
        val changed = next.text != text.text
        text = next
        if (changed) {
            typed.addLast(next.text)
            if (typed.size > 64) typed.removeFirst()
            send(next.text)
        }
    }
}

@Composable
fun SectionTitle(text: String) {
    Text(
        text,
        style = MaterialTheme.typography.titleMedium,
        modifier = Modifier
            .padding(top = 16.dp, bottom = 4.dp)
            .semantics { heading() },
    )
}

/** A message TalkBack reads out when it appears (a refused save, a failed sync). */
@Composable
fun Banner(text: String?) {
    if (text == null) return
    Surface(color = MaterialTheme.colorScheme.errorContainer, modifier = Modifier.fillMaxWidth()) {
        Text(
            text,
            color = MaterialTheme.colorScheme.onErrorContainer,
            modifier = Modifier
                .padding(12.dp)
                .semantics { liveRegion = LiveRegionMode.Polite },
        )
    }
}

/** Choices as a wrapping row of buttons; the chosen one is marked for TalkBack and by colour.
 *  The labels are the core's, from the view. */
@Composable
@OptIn(ExperimentalLayoutApi::class)
fun <T> Choices(options: List<Pair<T, String>>, chosen: T?, onChoose: (T) -> Unit) {
    // As many to a line as fit: at the largest font sizes one chip may need the whole width.
    FlowRow(horizontalArrangement = Arrangement.spacedBy(4.dp)) {
        options.forEach { (value, label) ->
            androidx.compose.material3.FilterChip(
                selected = value == chosen,
                onClick = { onChoose(value) },
                label = { Text(label) },
            )
        }
    }
}

@Composable
fun LinkButton(text: String, onClick: () -> Unit) = TextButton(onClick = onClick) { Text(text) }
