package org.gridkeeper.app.shared.screens

import kotlinx.coroutines.CoroutineDispatcher
import org.gridkeeper.Enrolment
import org.gridkeeper.GridkeeperException
import org.gridkeeper.app.shared.*
import java.net.URI
import java.net.URLDecoder

data class EnrolState(
    val server: String = "",
    val code: String = "",
    /** By input: `server` or `code`. */
    val errors: Map<String, String> = emptyMap(),
    val busy: Boolean = false,
    val banner: String? = null,
    val enrolment: Enrolment? = null,
)

sealed interface EnrolEvent {
    data class Server(val text: String) : EnrolEvent
    data class Code(val text: String) : EnrolEvent
    /** The text of a QR code the supervisor showed: `gridkeeper:enrol?server=…&code=…`. */
    data class QrScanned(val text: String) : EnrolEvent
    data object Submit : EnrolEvent
}

sealed interface EnrolEffect {
    data class Enrolled(val grids: List<String>) : EnrolEffect
}

class EnrolHolder(
    private val repos: Repositories,
    private val lang: Lang = Lang.ZH,
    io: CoroutineDispatcher = defaultIo,
) : StateHolder<EnrolState, EnrolEvent, EnrolEffect>(EnrolState(), io) {

    override suspend fun handle(event: EnrolEvent) {
        when (event) {
            is EnrolEvent.Server -> update { it.copy(server = event.text.trim(), errors = it.errors - "server") }
            is EnrolEvent.Code -> update { it.copy(code = event.text.trim(), errors = it.errors - "code") }
            is EnrolEvent.QrScanned -> {
                val parsed = parseQr(event.text)
                if (parsed == null) {
                    update { it.copy(banner = Strings.get("enrol.qr_invalid", lang)) }
                } else {
                    update { it.copy(server = parsed.first, code = parsed.second, errors = emptyMap(), banner = null) }
                    submit()
                }
            }
            EnrolEvent.Submit -> submit()
        }
    }

    private suspend fun submit() {
        val s = state.value
        val errors = buildMap {
            if (!(s.server.startsWith("https://") || s.server.startsWith("http://"))) {
                put("server", Messages.fieldMessage("server", "is required", lang))
            }
            if (s.code.isEmpty()) put("code", Messages.fieldMessage("code", "is required", lang))
        }
        if (errors.isNotEmpty()) {
            update { it.copy(errors = errors) }
            return
        }
        update { it.copy(busy = true, banner = null) }
        try {
            val enrolment = io { repos.sync.enroll(s.server, s.code) }
            update { it.copy(busy = false, enrolment = enrolment) }
            emit(EnrolEffect.Enrolled(enrolment.grids))
        } catch (e: GridkeeperException) {
            update { it.copy(busy = false, banner = Messages.plainWords(e, lang)) }
        }
    }

    companion object {
        fun parseQr(text: String): Pair<String, String>? {
            val uri = try { URI(text.trim()) } catch (e: java.net.URISyntaxException) { return null }
            if (uri.scheme != "gridkeeper" || !uri.schemeSpecificPart.startsWith("enrol?")) return null
            val params = uri.schemeSpecificPart.removePrefix("enrol?").split('&').mapNotNull { kv ->
                val i = kv.indexOf('=')
                if (i <= 0) null else kv.substring(0, i) to URLDecoder.decode(kv.substring(i + 1), "UTF-8")
            }.toMap()
            val server = params["server"] ?: return null
            val code = params["code"] ?: return null
            return server to code
        }
    }
}
