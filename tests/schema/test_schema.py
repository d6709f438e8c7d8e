"""The JSON Schemas of the pack files (schemas/, written by `zhucun schema`).

1. Every pack file in the repository (the manifest, rule files, schema.yaml
   and test files of every pack folder) is valid against its schema, read
   the way an editor's YAML language server reads it (YAML 1.2: a date is
   text). Every YAML file of the repository is either checked or listed in
   SKIPPED with the reason.
2. The schemas reject a sample of the mistakes the loader rejects, and for
   each, `zhucun validate` (or `zhucun test`, for a test file) rejects it
   too, so that the editor and the loader agree.

Run by ctest (tests/CMakeLists.txt) with ZHUCUN_SOURCE_DIR and ZHUCUN_CLI
set; uses Debian's python3-jsonschema and python3-yaml.
"""

import glob
import json
import os
import shutil
import subprocess
import tempfile

import jsonschema
import pytest
import yaml

SOURCE = os.environ.get(
    "ZHUCUN_SOURCE_DIR",
    os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
CLI = os.environ.get("ZHUCUN_CLI")

# YAML files of the repository that are not pack files to check, and why.
SKIPPED = {
    "tests/testdata/schema/bad.yaml":
        "a schema with deliberate mistakes (tests/facts/schema_test.cc); "
        "test_rejects_bad_schema_file checks the schema rejects it",
}
# Folders that hold no files of the repository's own.
PRUNED = {".git", "build", "node_modules", "__pycache__", ".pytest_cache"}


class Yaml12Loader(yaml.SafeLoader):
    """PyYAML's safe loader without YAML 1.1 timestamps: `2024-06-30` stays
    text, as in the YAML language server (YAML 1.2 core schema)."""


Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers
            if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_yaml(path):
    with open(path, encoding="utf-8-sig") as f:
        return yaml.load(f, Loader=Yaml12Loader)


def schemas():
    out = {}
    for kind in ("pack", "rules", "schema", "tests"):
        with open(os.path.join(SOURCE, "schemas", kind + ".schema.json"),
                  encoding="utf-8") as f:
            schema = json.load(f)
        jsonschema.Draft7Validator.check_schema(schema)
        out[kind] = jsonschema.Draft7Validator(schema)
    return out


SCHEMAS = schemas()


def errors(kind, document):
    """The schema's complaints about `document`, one line each."""
    if document is None:  # an empty file
        document = {}
    return [f"{'/'.join(str(p) for p in e.absolute_path) or '<root>'}: {e.message}"
            for e in SCHEMAS[kind].iter_errors(document)]


def pack_files(pack_dir):
    """The files of the pack in `pack_dir` by kind, as the loader finds them:
    `includes` (a file with `tables:` is the schema) and `tests`."""
    manifest = load_yaml(os.path.join(pack_dir, "pack.yaml")) or {}
    files = [(os.path.join(pack_dir, "pack.yaml"), "pack")]

    def resolve(entries):
        if entries is None:
            return []
        if not isinstance(entries, list):
            entries = [entries]
        paths = []
        for entry in entries:
            matches = sorted(glob.glob(os.path.join(pack_dir, str(entry))))
            paths += matches
        return paths

    for path in resolve(manifest.get("includes")):
        document = load_yaml(path)
        is_schema = isinstance(document, dict) and "tables" in document
        files.append((path, "schema" if is_schema else "rules"))
    for path in resolve(manifest.get("tests")):
        files.append((path, "tests"))
    return files


def all_pack_files():
    files = []
    for root, dirs, names in os.walk(SOURCE):
        dirs[:] = sorted(d for d in dirs if d not in PRUNED and not d.startswith("build"))
        if "pack.yaml" in names:
            files += pack_files(root)
    return files


PACK_FILES = all_pack_files()


def rel(path):
    return os.path.relpath(path, SOURCE)


def test_finds_the_packs():
    found = {rel(p) for p, _ in PACK_FILES}
    assert "rules/qiannan/pack.yaml" in found
    assert "rules/qiannan/schema.yaml" in found
    assert "rules/qiannan/visits.yaml" in found
    assert "rules/qiannan/tests/visits.yaml" in found
    assert "tests/testdata/packs/kinds_ok/kinds.yaml" in found


def test_every_yaml_file_is_checked_or_skipped():
    checked = {rel(p) for p, _ in PACK_FILES}
    unchecked = []
    for root, dirs, names in os.walk(SOURCE):
        dirs[:] = [d for d in dirs if d not in PRUNED and not d.startswith("build")]
        for name in names:
            if name.endswith((".yaml", ".yml")):
                path = rel(os.path.join(root, name))
                if path not in checked and path not in SKIPPED:
                    unchecked.append(path)
    assert not unchecked, (
        "YAML files that are in no pack's includes or tests: list them in SKIPPED with "
        "the reason, or include them in a pack: " + ", ".join(unchecked))


@pytest.mark.parametrize("path,kind", PACK_FILES, ids=[rel(p) for p, _ in PACK_FILES])
def test_pack_file_is_valid(path, kind):
    assert errors(kind, load_yaml(path)) == []


@pytest.mark.parametrize("path,kind", PACK_FILES, ids=[rel(p) for p, _ in PACK_FILES])
def test_modeline_names_the_right_schema(path, kind):
    """A `# yaml-language-server: $schema=...` line, where a file has one,
    names the schema of its kind, by a path that exists."""
    with open(path, encoding="utf-8-sig") as f:
        lines = [line for line in f if line.startswith("# yaml-language-server:")]
    if not lines:
        return
    target = lines[0].split("$schema=", 1)[1].strip()
    assert os.path.basename(target) == kind + ".schema.json"
    assert os.path.isfile(os.path.join(os.path.dirname(path), target)), target


def test_qiannan_files_have_modelines():
    for path, _ in PACK_FILES:
        if rel(path).startswith("rules/qiannan/"):
            with open(path, encoding="utf-8") as f:
                assert f.readline().startswith("# yaml-language-server: $schema="), rel(path)


def test_rejects_bad_schema_file():
    found = errors("schema", load_yaml(os.path.join(SOURCE, "tests/testdata/schema/bad.yaml")))
    text = "\n".join(found)
    assert "'dat' is not one of" in text
    assert "'ture' is not of type 'boolean'" in text
    assert "'refrences' was unexpected" in text


# ---------------------------------------------------------------------------
# Mistakes: the schema and the loader both reject them.

BASE = {
    "pack.yaml": """\
# yaml-language-server: $schema=../schemas/pack.schema.json
name: sample
version: 0.1.0
parameters:
  min_days: {type: int, default: 15, source: "交接期不少于15天"}
  kinds: {type: list(string), default: [a, b]}
functions:
  long(h): h.days >= params.min_days
includes: [schema.yaml, rules.yaml]
tests: [tests/*.yaml]
""",
    "schema.yaml": """\
tables:
  - name: handovers
    key: handover_id
    columns:
      - {name: handover_id, type: id}
      - {name: days, type: int}
      - {name: kind, type: code, codes: [a, b, c]}
""",
    "rules.yaml": """\
rules:
  - id: handover.short
    title: {en: Handover too short, zh: 交接期过短}
    severity: error
    subject: handovers
    when: "!long(handover)"
    message: "{handover.days} days"
  - id: handover.kind
    kind: allowed_reasons
    severity: warning
    subject: handovers
    reason: handover.kind
    allowed: params.kinds
""",
    "tests/cases.yaml": """\
as_of: 2024-06-30
from: 2024-01-01
tables:
  handovers: |
    handover_id,days,kind
    H1,3,a
    H2,20,c
cases:
  - name: a short handover is found
    expect:
      - {rule: handover.short, subject: "handovers:H1"}
      - {rule: handover.kind, subject: "handovers:H2"}
    expect_not:
      - {rule: handover.short, subject: "handovers:H2"}
      - {rule: handover.kind, subject: "handovers:H1"}
""",
}
KIND = {"pack.yaml": "pack", "schema.yaml": "schema", "rules.yaml": "rules",
        "tests/cases.yaml": "tests"}

# (what, file, text replaced, replacement, what the schema says)
MISTAKES = [
    ("misspelled key in a rule", "rules.yaml", "    when:", "    wen:", "'wen' was unexpected"),
    ("bad severity", "rules.yaml", "severity: error", "severity: fatal",
     "'fatal' is not one of"),
    ("rule without an id", "rules.yaml", "  - id: handover.short\n    title:", "  - title:",
     "'id' is a required property"),
    ("bad rule id", "rules.yaml", "id: handover.short", "id: Short", "does not match"),
    ("wrong type: a list for `when`", "rules.yaml", 'when: "!long(handover)"',
     "when: [a, b]", "is not of type"),
    ("unknown rule kind", "rules.yaml", "kind: allowed_reasons", "kind: allowed_reason",
     "is not one of"),
    ("an argument of another kind", "rules.yaml", "    allowed: params.kinds",
     "    allowed: params.kinds\n    rank: deputy", "'rank' was unexpected"),
    ("a kind without a required argument", "rules.yaml", "    allowed: params.kinds\n", "",
     "'allowed' is a required property"),
    ("general rule without `when`", "rules.yaml", '    when: "!long(handover)"\n', "",
     "'when' is a required property"),
    ("unknown language", "rules.yaml", "zh: 交接期过短", "fr: trop court", "is not valid"),
    ("bad period", "rules.yaml", "    subject: handovers\n    when:",
     "    subject: handovers\n    period: week\n    when:", "'week' is not one of"),
    ("empty effective", "rules.yaml", "    severity: error\n",
     "    severity: error\n    effective: {}\n", "is not valid"),
    ("misspelled manifest key", "pack.yaml", "parameters:", "paramters:",
     "'paramters' was unexpected"),
    ("parameter without a type", "pack.yaml", "{type: int, default: 15,", "{default: 15,",
     "'type' is a required property"),
    ("parameter with a default and a history", "pack.yaml", "{type: int, default: 15,",
     "{type: int, default: 15, history: [{from: 2024-01-01, value: 1}],", "is valid under each"),
    ("bad parameter type", "pack.yaml", "type: int,", "type: integer,", "does not match"),
    ("bad function signature", "pack.yaml", "long(h):", "long h:", "does not match"),
    ("pack without a name", "pack.yaml", "name: sample\n", "", "'name' is a required property"),
    ("unknown cell type", "schema.yaml", "type: int}", "type: integer}", "is not one of"),
    ("nullable not a bool", "schema.yaml", "type: int}", "type: int, nullable: yes please}",
     "is not of type 'boolean'"),
    ("misspelled column key", "schema.yaml", "codes: [a, b, c]", "code: [a, b, c]",
     "'code' was unexpected"),
    ("table without columns", "schema.yaml", "    key: handover_id\n    columns:",
     "    key: handover_id\n    colums:", "'columns' is a required property"),
    ("misspelled case key", "tests/cases.yaml", "    expect:", "    expcet:",
     "'expcet' was unexpected"),
    ("case without a name", "tests/cases.yaml", "  - name: a short handover is found\n    expect:",
     "  - expect:", "'name' is a required property"),
    ("case that expects nothing", "tests/cases.yaml",
     "    expect:\n" + BASE["tests/cases.yaml"].split("    expect:\n", 1)[1], "",
     "is not valid"),
    ("bad date", "tests/cases.yaml", "as_of: 2024-06-30", "as_of: 30.6.2024", "does not match"),
]


def write_pack(folder, files):
    for name, text in files.items():
        path = os.path.join(folder, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)


def loader_rejects(folder, file):
    """Whether `zhucun validate` (a test file: `zhucun test`) fails, and its output."""
    command = "test" if file.startswith("tests/") else "validate"
    run = subprocess.run([CLI, command, folder], capture_output=True, text=True,
                         env={**os.environ, "LANG": "C"})
    return run.returncode != 0, run.stdout + run.stderr


@pytest.fixture(scope="module")
def base_pack():
    folder = tempfile.mkdtemp(prefix="zhucun-schema-")
    write_pack(folder, BASE)
    yield folder
    shutil.rmtree(folder)


def test_base_pack_is_valid(base_pack):
    for name, kind in KIND.items():
        assert errors(kind, yaml.load(BASE[name], Loader=Yaml12Loader)) == [], name
    if CLI:
        for file in ("rules.yaml", "tests/cases.yaml"):
            rejected, output = loader_rejects(base_pack, file)
            assert not rejected, output


@pytest.mark.parametrize("what,file,old,new,says", MISTAKES, ids=[m[0] for m in MISTAKES])
def test_mistake_is_rejected_by_schema_and_loader(what, file, old, new, says):
    assert old in BASE[file], f"{what}: the base pack has no {old!r}"
    text = BASE[file].replace(old, new, 1)
    found = errors(KIND[file], yaml.load(text, Loader=Yaml12Loader))
    assert found, f"{what}: the schema accepts\n{text}"
    assert any(says in e for e in found), f"{what}: {found}"
    if not CLI:
        pytest.skip("ZHUCUN_CLI is not set")
    folder = tempfile.mkdtemp(prefix="zhucun-schema-")
    try:
        write_pack(folder, {**BASE, file: text})
        rejected, output = loader_rejects(folder, file)
        assert rejected, f"{what}: the loader accepts it:\n{output}"
    finally:
        shutil.rmtree(folder)
