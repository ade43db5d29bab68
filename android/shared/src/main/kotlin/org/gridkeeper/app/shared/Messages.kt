package org.gridkeeper.app.shared

import org.gridkeeper.GridkeeperException

/**
 * Turns core's typed errors into words for the worker. Core names the field by its path
 * (`members[1].id_number`) and the rule in English without any value, so a form can place
 * the message beside the right input and a log never holds personal data.
 */
object Messages {
    /** Core's reason wording → the string key a worker reads; first match wins. */
    private val reasons: List<Pair<String, String>> = listOf(
        "is required when returning" to "reason.returning",
        "is required when escalating" to "reason.escalating",
        "is required when the result is an agreement" to "reason.agreement",
        "at least one party" to "reason.one_party",
        "is required" to "reason.required",
        "must be answered" to "reason.required",
        "check digit" to "reason.check_digit",
        "must be 18 characters" to "reason.id_length",
        "first 17 characters" to "reason.id_digits",
        "last character must be" to "reason.id_digits",
        "region code" to "reason.id_region",
        "birth date in the number" to "reason.id_birth",
        "mobile number" to "reason.phone",
        "landline" to "reason.phone",
        "building and room" to "reason.building_room",
        "is in the future" to "reason.future",
        "must be a date" to "reason.date",
        "must be a time" to "reason.date",
        "appears twice" to "reason.duplicate",
        "cannot complete the inspection" to "reason.complete_blocked",
        "is not allowed from" to "reason.illegal_transition",
        "not allowed" to "reason.illegal_transition",
    )

    /** The label of the input a field path points at: `members[1].id_number` → 身份证号. */
    fun fieldLabel(path: String, lang: Lang): String {
        val last = path.substringAfterLast('.').substringBefore('[')
        val key = "field.$last"
        return if (Strings.has(key)) Strings.get(key, lang) else last
    }

    fun reasonText(reason: String, lang: Lang): String {
        val key = reasons.firstOrNull { reason.contains(it.first, ignoreCase = true) }?.second
        return when {
            key != null -> Strings.get(key, lang)
            // English readers get core's own wording, which names a rule and never a value.
            lang == Lang.EN -> reason
            else -> Strings.get("reason.other", lang)
        }
    }

    /** The message shown beside the input: 身份证号：校验位不对，请核对是否输错. */
    fun fieldMessage(path: String, reason: String, lang: Lang): String {
        val sep = if (lang == Lang.ZH) "：" else ": "
        return fieldLabel(path, lang) + sep + reasonText(reason, lang)
    }

    /** Any failure in plain words, for a banner or the sync status line. */
    fun plainWords(error: Throwable, lang: Lang): String = when (error) {
        is GridkeeperException.Invalid -> fieldMessage(error.field, error.reason, lang)
        // The relay's message is already written for the worker in Chinese.
        is GridkeeperException.Network ->
            if (lang == Lang.ZH && error.userMessage.isNotBlank()) error.userMessage else Strings.get("error.network", lang)
        is GridkeeperException.NotAllowed ->
            if (lang == Lang.ZH && error.userMessage.isNotBlank()) error.userMessage else Strings.get("error.not_allowed", lang)
        is GridkeeperException.NotFound -> Strings.get("error.not_found", lang)
        is GridkeeperException.Conflict -> Strings.get("error.conflict", lang)
        is GridkeeperException.WrongKey -> Strings.get("error.wrong_key", lang)
        is GridkeeperException.Cancelled -> Strings.get("error.cancelled", lang)
        is GridkeeperException.StorageFull -> Strings.get("error.storage_full", lang)
        is GridkeeperException.UnsyncedWork ->
            Strings.format("signout.question", lang,
                (error.changes + error.uploads + error.refused).toLong(), error.refused.toLong())
        else -> Strings.get("error.storage", lang)
    }
}
