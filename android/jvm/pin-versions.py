#!/usr/bin/env python3
"""Rewrites the <dependencyManagement> of android/jvm/pom.xml so that Maven resolves the same
set of jars as Gradle would.

Compose Multiplatform is published for Gradle, which takes the highest version of a module that
anything asks for; Maven takes the nearest, and so picks versions of androidx.* and
org.jetbrains.compose.* modules that are older than the ones the Compose artifacts were built
against, some of which Maven Central does not even have. This walks the POMs of the direct
dependencies on Maven Central, takes the highest version of each module asked for, lifts every
org.jetbrains.compose.* module that exists at ${compose.version} to it (Material 3's alpha asks
for pre-release builds that are not on Central), likewise kotlinx-coroutines-* to
${coroutines.version}, and pins them all. Run it after changing a
version in the pom's <properties> (python3, standard library only):

    python3 android/jvm/pin-versions.py
"""
import re, sys, urllib.request, xml.etree.ElementTree as ET
from pathlib import Path

CENTRAL = "https://repo1.maven.org/maven2"
NS = "{http://maven.apache.org/POM/4.0.0}"
pom_path = Path(__file__).with_name("pom.xml")
text = pom_path.read_text()
root = ET.fromstring(text)
props = {p.tag[len(NS):]: p.text for p in root.find(NS + "properties")}
subst = lambda v: re.sub(r"\$\{([^}]+)\}", lambda m: props[m.group(1)], v)
compose = props["compose.version"]

_poms = {}
def pom(g, a, v):
    if (g, a, v) not in _poms:
        url = f"{CENTRAL}/{g.replace('.', '/')}/{a}/{v}/{a}-{v}.pom"
        try:
            _poms[(g, a, v)] = ET.fromstring(urllib.request.urlopen(url, timeout=30).read())
        except Exception:
            _poms[(g, a, v)] = None
    return _poms[(g, a, v)]

def vkey(v):
    m = re.match(r"([\d.]+)(?:-([a-z]+)(\d*))?", v)
    if not m:
        return ((0,), 0, 0)
    nums = tuple(int(x) for x in m.group(1).split(".") if x)
    stage = {"alpha": 0, "beta": 1, "rc": 2, None: 3}.get(m.group(2), 0)
    return (nums + (0,) * (4 - len(nums)), stage, int(m.group(3) or 0))

def deps(node):
    ds = node.find(NS + "dependencies")
    for d in [] if ds is None else ds.findall(NS + "dependency"):
        g, a, v = (d.findtext(NS + k) for k in ("groupId", "artifactId", "version"))
        scope = d.findtext(NS + "scope") or "compile"
        if scope in ("test", "provided") or d.findtext(NS + "optional") == "true" or not v or "$" in v:
            continue
        yield g, a, v.strip("[]()").split(",")[0]

direct = [(g, a, subst(v)) for g, a, v in
          ((d.findtext(NS + "groupId"), d.findtext(NS + "artifactId"), d.findtext(NS + "version"))
           for d in root.find(NS + "dependencies").findall(NS + "dependency"))]
pins = {("org.jetbrains.kotlin", "kotlin-stdlib"): props["kotlin.version"]}
for g, a, v in direct:
    pins[(g, a)] = v
while True:
    best, todo = {}, list(direct)
    while todo:
        g, a, v = todo.pop()
        v = pins.get((g, a), v)
        if (g, a) in best and vkey(best[(g, a)]) >= vkey(v):
            continue
        best[(g, a)] = v
        node = pom(g, a, v)
        if node is not None:
            todo.extend(deps(node))
    # Modules released together are lifted to the version the pom asks for: Compose's, and
    # kotlinx-coroutines' (whose root module would otherwise stay at the version Compose names).
    families = [(lambda g, a: g.startswith("org.jetbrains.compose."), compose),
                (lambda g, a: a.startswith("kotlinx-coroutines-"), props["coroutines.version"]),
                # JetBrains' lifecycle builds up to 2.9 hold classes of their own, which then
                # clash with androidx.lifecycle's desktop builds; later ones only point to those.
                (lambda g, a: g == "org.jetbrains.androidx.lifecycle", props["lifecycle.version"])]
    lifted = {(g, a): fv for (g, a), v in best.items() for is_in, fv in families
              if is_in(g, a) and (g, a) not in pins and vkey(v) < vkey(fv)
              and pom(g, a, fv) is not None}
    if not lifted:
        break
    pins.update(lifted)
skiko = best.get(("org.jetbrains.skiko", "skiko-awt"))
if skiko and skiko != props["skiko.version"]:
    sys.exit(f"Compose {compose} is built on skiko {skiko}: set skiko.version to it in the pom")
missing = [f"{g}:{a}:{v}" for (g, a), v in sorted(best.items()) if pom(g, a, v) is None]
if missing:
    sys.exit("not on Maven Central: " + ", ".join(missing))

by_value = {}
for name in ("compose.version", "material3.version", "icons.version", "skiko.version",
             "coroutines.version", "junit.version", "kotlin.version", "lifecycle.version",
             "navigation.version"):
    by_value.setdefault(props[name], name)
lines = []
for (g, a), v in sorted(best.items()):
    if (g.startswith(("org.jetbrains.compose", "org.jetbrains.androidx.navigation", "androidx.lifecycle",
                      "org.jetbrains.androidx.lifecycle"))
            or g in ("org.jetbrains.skiko", "junit", "org.jetbrains.kotlin")
            or a.startswith("kotlinx-coroutines")) and v in by_value:
        v = "${" + by_value[v] + "}"
    lines.append(f"      <dependency><groupId>{g}</groupId><artifactId>{a}</artifactId><version>{v}</version></dependency>")
block = "  <dependencyManagement>\n    <dependencies>\n" + "\n".join(lines) + "\n    </dependencies>\n  </dependencyManagement>"
text, n = re.subn(r"  <dependencyManagement>.*?</dependencyManagement>", lambda _: block, text, flags=re.S)
assert n == 1, "no <dependencyManagement> in the pom"
pom_path.write_text(text)
print(f"pinned {len(lines)} modules in {pom_path}")
