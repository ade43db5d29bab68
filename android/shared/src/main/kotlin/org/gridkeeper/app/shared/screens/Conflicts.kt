package org.gridkeeper.app.shared.screens

import kotlinx.coroutines.CoroutineDispatcher
import org.gridkeeper.GridkeeperException
import org.gridkeeper.app.shared.*

data class ConflictChoice(
    /** The index to pass back when this value is picked. */
    val index: Int,
    val value: String,
    val who: String,
    val whenText: String,
    /** The value shown until someone picks one. */
    val shownNow: Boolean,
)

data class ConflictLine(val path: String, val field: String, val choices: List<ConflictChoice>)

data class ConflictsState(
    val loading: Boolean = true,
    val conflicts: List<ConflictLine> = emptyList(),
    val banner: String? = null,
)

sealed interface ConflictsEvent {
    data object Load : ConflictsEvent
    data class Pick(val path: String, val index: Int) : ConflictsEvent
}

sealed interface ConflictsEffect {
    data object AllResolved : ConflictsEffect
}

/** Where two devices set one field differently: both values, who set them and when;
 *  a tap keeps one (core writes it as a new change that supersedes both). */
class ConflictsHolder(
    private val repos: Repositories,
    private val recordId: String,
    private val lang: Lang = Lang.ZH,
    io: CoroutineDispatcher = defaultIo,
) : StateHolder<ConflictsState, ConflictsEvent, ConflictsEffect>(ConflictsState(), io) {

    override suspend fun handle(event: ConflictsEvent) {
        when (event) {
            ConflictsEvent.Load -> load(null)
            is ConflictsEvent.Pick -> try {
                io { repos.conflicts.resolve(recordId, event.path, event.index) }
                load(null)
                if (state.value.conflicts.isEmpty()) emit(ConflictsEffect.AllResolved)
            } catch (e: GridkeeperException) {
                // Settled elsewhere meanwhile: show what is left and say why.
                load(Messages.plainWords(e, lang))
            }
        }
    }

    private suspend fun load(banner: String?) {
        try {
            val conflicts = io { repos.conflicts.of(recordId) }
            update {
                ConflictsState(
                    loading = false,
                    banner = banner,
                    conflicts = conflicts.map { c ->
                        ConflictLine(
                            path = c.path,
                            field = Messages.fieldLabel(c.path, lang),
                            choices = c.values.mapIndexed { i, v ->
                                ConflictChoice(i, display(v.valueJson), v.user ?: (Strings.get("conflict.unknown_user", lang) + " " + v.actor.take(6)),
                                    Times.local(v.timeMs), v.winner)
                            },
                        )
                    },
                )
            }
        } catch (e: GridkeeperException) {
            update { it.copy(loading = false, banner = Messages.plainWords(e, lang)) }
        }
    }

    companion object {
        /** A JSON scalar as a person reads it: `"13812345678"` → 13812345678. */
        fun display(json: String): String {
            val t = json.trim()
            if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) {
                return t.substring(1, t.length - 1).replace("\\\"", "\"").replace("\\\\", "\\")
            }
            return t
        }
    }
}
