package org.gridkeeper.jvm

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.Home
import androidx.compose.material3.Button
import androidx.compose.material3.ExperimentalMaterial3Api
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.Icon
import androidx.compose.material3.ListItem
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Text
import androidx.compose.material3.TopAppBar
import androidx.compose.material3.TopAppBarDefaults
import androidx.compose.material3.lightColorScheme
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.semantics.error
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.ui.unit.dp

/** A household row as the app's lists show one. */
data class ProbeHousehold(val address: String, val head: String, val members: Int)

val probeHouseholds = listOf(
    ProbeHousehold("幸福小区 3栋 2单元 401", "张建国", 4),
    ProbeHousehold("幸福小区 3栋 2单元 402", "李秀英", 2),
    ProbeHousehold("和平里 12号院 1门 101", "王志强", 3),
    ProbeHousehold("和平里 12号院 1门 102", "刘桂兰", 1),
)

fun phoneError(phone: String): String? =
    if (phone.length == 11 && phone.all { it.isDigit() } && phone.startsWith("1")) null
    else "请输入11位手机号码"

/**
 * The toolchain probe: not one of the app's screens, but built from the same pieces theirs use
 * (Scaffold, a top bar, a list of rows, a text field with its error under it, a button).
 */
@OptIn(ExperimentalMaterial3Api::class)
@Composable
fun ProbeScreen(initialPhone: String = "", onSave: (String) -> Unit = {}) {
    var phone by remember { mutableStateOf(initialPhone) }
    var saved by remember { mutableStateOf<String?>(null) }
    val error = phoneError(phone)
    MaterialTheme(colorScheme = lightColorScheme()) {
        Scaffold(
            topBar = {
                TopAppBar(
                    title = { Text("走访登记") },
                    colors = TopAppBarDefaults.topAppBarColors(
                        containerColor = MaterialTheme.colorScheme.primaryContainer,
                    ),
                )
            },
        ) { padding ->
            Column(Modifier.fillMaxSize().padding(padding)) {
                LazyColumn(Modifier.weight(1f).testTag("households")) {
                    items(probeHouseholds) { h ->
                        ListItem(
                            headlineContent = { Text(h.address) },
                            supportingContent = { Text("户主 ${h.head} · ${h.members} 人") },
                            leadingContent = { Icon(Icons.Filled.Home, contentDescription = null) },
                        )
                        HorizontalDivider()
                    }
                }
                Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
                    OutlinedTextField(
                        value = phone,
                        onValueChange = { phone = it; saved = null },
                        label = { Text("联系电话") },
                        isError = phone.isNotEmpty() && error != null,
                        supportingText = {
                            if (phone.isNotEmpty() && error != null) Text(error)
                        },
                        keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Phone),
                        singleLine = true,
                        modifier = Modifier.fillMaxWidth().testTag("phone").semantics {
                            if (phone.isNotEmpty() && error != null) error(error)
                        },
                    )
                    Button(
                        onClick = { saved = phone; onSave(phone) },
                        enabled = error == null,
                        modifier = Modifier.fillMaxWidth().testTag("save"),
                    ) { Text("保存") }
                    saved?.let { Text("已保存：$it", color = MaterialTheme.colorScheme.primary) }
                }
            }
        }
    }
}
