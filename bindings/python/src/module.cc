// The `zhucun._zhucun` extension module: Policy (load, schema, info, check,
// explain), Facts (from a CSV folder or from columns) and the pack tests.
// Everything that runs the engine releases the GIL; results go to the
// pure-Python package as dicts and lists (bindings/python/zhucun/_api.py).

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bindings.h"
#include "zhucun/csv.h"
#include "zhucun/date.h"
#include "zhucun/diff.h"
#include "zhucun/engine.h"
#include "zhucun/pack_test.h"
#include "zhucun/reads.h"
#include "zhucun/schema.h"
#include "zhucun/version.h"

namespace zhucun::python {

using namespace pybind11::literals;

py::list DiagnosticsToPy(const Diagnostics& diags, const SourceManager& sources) {
  py::list out;
  for (const Diagnostic& d : diags.items()) {
    py::dict item;
    item["severity"] = d.severity == Severity::kError     ? "error"
                       : d.severity == Severity::kWarning ? "warning"
                                                          : "note";
    item["code"] = d.code;
    item["message"] = d.message;
    item["help"] = d.help;
    const bool placed = d.span.file != kNoFile && d.span.file < sources.size();
    if (placed) {
      const LineColumn lc = sources.Locate(d.span.file, d.span.begin);
      item["file"] = sources.name(d.span.file);
      item["line"] = lc.line;
      item["column"] = lc.column;
    } else {
      item["file"] = py::none();
      item["line"] = py::none();
      item["column"] = py::none();
    }
    if (d.cell) {
      py::dict cell;
      cell["table"] = d.cell->table;
      cell["line"] = d.cell->line;
      cell["column"] = d.cell->column;
      cell["value"] = d.cell->value;
      cell["expected"] = d.cell->expected;
      item["cell"] = cell;
    } else {
      item["cell"] = py::none();
    }
    std::string rendered = RenderDiagnostic(d, sources);
    while (!rendered.empty() && rendered.back() == '\n') rendered.pop_back();
    item["rendered"] = rendered;
    out.append(item);
  }
  return out;
}

void Raise(const char* name, const std::string& summary, const Diagnostics& diags,
           const SourceManager& sources) {
  py::object cls = py::module_::import("zhucun._errors").attr(name);
  py::object exc = cls(summary, DiagnosticsToPy(diags, sources));
  PyErr_SetObject(cls.ptr(), exc.ptr());
  throw py::error_already_set();
}

namespace {

// A parameter value as the Python package passes it: a str (a scalar's
// text), None, a list or a dict of those.
ParamValue ToParamValue(const py::handle& v, const std::string& name) {
  if (v.is_none()) return ParamValue{};
  if (py::isinstance<py::str>(v)) return ParamValue::Scalar(v.cast<std::string>());
  if (py::isinstance<py::list>(v)) {
    std::vector<ParamValue> items;
    for (const py::handle& item : v.cast<py::list>()) {
      items.push_back(ToParamValue(item, name));
    }
    return ParamValue::List(std::move(items));
  }
  if (py::isinstance<py::dict>(v)) {
    std::vector<std::pair<ParamValue, ParamValue>> entries;
    for (const auto& [key, value] : v.cast<py::dict>()) {
      entries.emplace_back(ToParamValue(key, name), ToParamValue(value, name));
    }
    return ParamValue::Map(std::move(entries));
  }
  throw py::type_error("parameter `" + name + "`: cannot use a " +
                       py::str(py::type::of(v).attr("__name__")).cast<std::string>());
}

PyPolicy LoadPolicy(const std::string& dir, const py::dict& params) {
  std::map<std::string, ParamValue> values;
  for (const auto& [key, value] : params) {
    const std::string name = key.cast<std::string>();
    values[name] = ToParamValue(value, name);
  }
  auto sources = std::make_shared<SourceManager>();
  std::optional<Result<Policy>> loaded;
  {
    py::gil_scoped_release release;
    loaded.emplace(Policy::Load(dir, *sources, values));
  }
  if (!loaded->ok()) {
    size_t errors = 0;
    for (const Diagnostic& d : loaded->diagnostics().items()) {
      errors += d.severity == Severity::kError ? 1 : 0;
    }
    Raise("RuleError",
          "the pack `" + dir + "` does not load (" + std::to_string(errors) +
              (errors == 1 ? " problem" : " problems") + ")",
          loaded->diagnostics(), *sources);
  }
  PyPolicy out;
  out.policy = std::make_shared<const Policy>(std::move(*loaded).value());
  out.sources = std::move(sources);
  return out;
}

// The evaluation date and window start, from YYYY-MM-DD texts.
CheckOptions Options(const std::string& as_of, const std::optional<std::string>& start,
                     unsigned threads) {
  CheckOptions options;
  const auto date = [](const char* what, const std::string& text) {
    auto d = Date::Parse(text);
    if (!d) {
      throw py::value_error(std::string(what) + ": `" + text +
                            "` is not a date; expected YYYY-MM-DD (a real calendar date)");
    }
    return *d;
  };
  options.as_of = date("as_of", as_of);
  if (start) options.from = date("start", *start);
  options.threads = threads;
  return options;
}

py::list SchemaToPy(const Schema& schema) {
  py::list tables;
  for (const TableSchema& t : schema.tables) {
    py::list columns;
    for (const ColumnSchema& c : t.columns) {
      columns.append(py::dict("name"_a = c.name, "type"_a = CellTypeName(c.type),
                              "nullable"_a = c.nullable, "codes"_a = c.codes,
                              "scale"_a = c.scale, "references"_a = c.references,
                              "null_iff"_a = c.null_iff));
    }
    tables.append(py::dict("name"_a = t.name, "key"_a = t.key, "unique"_a = t.unique,
                           "columns"_a = columns));
  }
  return tables;
}

py::dict InfoToPy(const PackInfo& info) {
  py::list rules;
  for (const PackInfo::Rule& r : info.rules) {
    rules.append(py::dict("id"_a = r.id, "kind"_a = r.kind, "title"_a = r.title,
                          "severity"_a = r.severity, "source"_a = r.source));
  }
  py::list params;
  for (const PackInfo::Parameter& p : info.parameters) {
    params.append(py::dict("name"_a = p.name, "type"_a = p.type, "value"_a = p.value,
                           "doc"_a = p.doc, "source"_a = p.source));
  }
  return py::dict("name"_a = info.name, "version"_a = info.version,
                  "title"_a = info.title, "rules"_a = rules, "parameters"_a = params,
                  "derived"_a = info.derived, "test_files"_a = info.test_files,
                  "summary_by"_a = info.summary_by);
}

PyFacts ReadCsv(const PyPolicy& policy, const std::string& dir, bool lenient,
                const std::string& encoding) {
  SourceManager sources;  // the files' texts, for the messages only
  std::optional<Result<FactSet>> facts;
  {
    py::gil_scoped_release release;
    CsvOptions options;
    options.strictness = lenient ? Strictness::kLenient : Strictness::kStrict;
    options.encoding = encoding;
    facts.emplace(ReadCsvFolder(policy.policy->schema(), dir, options, sources));
  }
  if (!facts->ok()) {
    Raise("InputError", "the data in `" + dir + "` is not valid input",
          facts->diagnostics(), sources);
  }
  return PyFacts{std::make_shared<const FactSet>(std::move(*facts).value())};
}

// What decided a value (Explanation::Decision) as a dict, with its line
// of text in `lang` and its inner decisions.
py::dict DecisionToPy(const Explanation::Decision& d, const std::string& lang) {
  py::list inner;
  for (const Explanation::Decision& i : d.inner) inner.append(DecisionToPy(i, lang));
  return py::dict("expression"_a = d.expression, "kind"_a = d.kind, "value"_a = d.value,
                  "of"_a = d.of, "count"_a = d.count, "elements"_a = d.elements,
                  "inner"_a = inner, "text"_a = FormatDecision(d, lang));
}

py::list DecisionsToPy(const std::vector<std::vector<Explanation::Decision>>& per_item,
                       const std::string& lang) {
  py::list out;
  for (const auto& decisions : per_item) {
    py::list one;
    for (const Explanation::Decision& d : decisions) one.append(DecisionToPy(d, lang));
    out.append(one);
  }
  return out;
}

py::dict ExplanationToPy(const Explanation& e, const std::string& lang) {
  const auto items = [](const std::vector<Explanation::Item>& list) {
    py::list out;
    for (const Explanation::Item& i : list) out.append(py::make_tuple(i.name, i.value));
    return out;
  };
  py::list rows;
  for (const Explanation::Row& r : e.rows) {
    rows.append(py::make_tuple(r.name, items(r.cells)));
  }
  py::object periods = py::none();
  if (e.periods) periods = py::make_tuple(e.periods->name, e.periods->value);
  py::object first_false = py::none();
  if (e.first_false) first_false = py::int_(*e.first_false);
  return py::dict("rule"_a = e.rule, "title"_a = e.title, "severity"_a = e.severity,
                  "source"_a = e.source, "subject"_a = e.subject, "period"_a = e.period,
                  "fired"_a = e.fired, "message"_a = e.message, "rows"_a = rows,
                  "periods"_a = periods, "lets"_a = items(e.lets),
                  "conditions"_a = items(e.conditions), "first_false"_a = first_false,
                  "exempted_by"_a = e.exempted_by,
                  "let_decisions"_a = DecisionsToPy(e.let_decisions, lang),
                  "condition_decisions"_a = DecisionsToPy(e.condition_decisions, lang),
                  "text"_a = FormatExplanation(e, lang));
}

py::dict Check(const PyPolicy& policy, const PyFacts& facts, const std::string& as_of,
               const std::optional<std::string>& start, unsigned threads, bool profile,
               bool plan, const std::string& lang) {
  CheckOptions options = Options(as_of, start, threads);
  options.profile = profile;
  options.plan = plan;
  options.lang = lang;
  std::optional<Result<Report>> report;
  std::optional<Result<std::vector<std::string>>> groups;
  {
    py::gil_scoped_release release;
    report.emplace(policy.policy->Check(facts.facts, options));
    if (report->ok() && !policy.policy->summary_by().empty()) {
      groups.emplace(
          policy.policy->SummaryGroups(facts.facts, options, report->value().findings));
    }
  }
  if (!report->ok()) {
    Raise("RuleError", "the check could not evaluate every rule",
          report->diagnostics(), *policy.sources);
  }
  const Report& r = report->value();
  py::dict findings = FindingsToPy(r.findings);
  py::dict exempted = ExemptionsToPy(r.exempted);
  Diagnostics warnings = report->diagnostics();
  py::object group_list = py::none();
  if (groups) {
    warnings.Append(groups->diagnostics());
    if (groups->ok()) group_list = py::cast(groups->value());
  }
  py::list derived = DerivedToPy(r.derived);
  py::object profile_dict = py::none();
  if (r.profile) {
    py::list rules;
    for (const RuleProfile& p : r.profile->rules) {
      py::list steps;
      for (const RuleProfile::Step& step : p.steps) {
        steps.append(py::make_tuple(step.condition, step.kept));
      }
      rules.append(py::dict("rule"_a = p.rule, "ms"_a = p.milliseconds,
                            "subjects"_a = p.subjects, "judged"_a = p.judged,
                            "evaluated"_a = p.evaluated, "lets_computed"_a = p.lets_computed, "lets_bound"_a = p.lets_bound,
                            "findings"_a = p.findings, "path"_a = p.path, "steps"_a = steps));
    }
    profile_dict = py::dict("rules"_a = rules,
                            "evaluation_ms"_a = r.profile->evaluation_milliseconds,
                            "threads"_a = r.profile->threads,
                            "text"_a = FormatProfile(*r.profile));
  }
  return py::dict("findings"_a = findings, "exempted"_a = exempted,
                  "exceptions"_a = r.exceptions, "groups"_a = group_list,
                  "summary_by"_a = policy.policy->summary_by(), "derived"_a = derived,
                  "warnings"_a = DiagnosticsToPy(warnings, *policy.sources),
                  "profile"_a = profile_dict);
}

py::dict Explain(const PyPolicy& policy, const PyFacts& facts, const std::string& as_of,
                 const std::optional<std::string>& start, const std::string& rule,
                 const std::string& subject, const std::string& period,
                 const std::string& lang) {
  CheckOptions options = Options(as_of, start, 1);
  options.lang = lang;
  std::optional<Result<Explanation>> e;
  {
    py::gil_scoped_release release;
    e.emplace(policy.policy->Explain(facts.facts, options, rule, subject, period));
  }
  if (!e->ok()) {
    Diagnostics diags = e->diagnostics();
    bool unknown = false;
    for (const Diagnostic& d : diags.items()) {
      unknown = unknown || d.code.find("unknown") != std::string::npos;
    }
    std::string text = diags.Render(*policy.sources);
    while (!text.empty() && text.back() == '\n') text.pop_back();
    if (unknown) throw py::value_error(text);
    Raise("RuleError", "cannot explain `" + rule + "` for `" + subject + "`", diags,
          *policy.sources);
  }
  return ExplanationToPy(e->value(), lang);
}

// `zhucun diff` of the facts checked by two policies: dicts of plain lists.
py::dict DiffChecks(const PyPolicy& before, const PyFacts& before_facts, const PyPolicy& after,
                    const PyFacts& after_facts, const std::string& as_of,
                    const std::optional<std::string>& start, unsigned threads) {
  const CheckOptions options = Options(as_of, start, threads);
  std::optional<Result<Report>> old_report, new_report;
  std::optional<ReportDiff> diff;
  {
    py::gil_scoped_release release;
    old_report.emplace(before.policy->Check(before_facts.facts, options));
    new_report.emplace(after.policy->Check(after_facts.facts, options));
    if (old_report->ok() && new_report->ok()) {
      diff.emplace(Diff(old_report->value(), new_report->value()));
    }
  }
  if (!old_report->ok()) {
    Raise("RuleError", "the old pack's check could not evaluate every rule",
          old_report->diagnostics(), *before.sources);
  }
  if (!new_report->ok()) {
    Raise("RuleError", "the new pack's check could not evaluate every rule",
          new_report->diagnostics(), *after.sources);
  }
  py::list change, rule, subject, period, severity_before, severity_after, message_before,
      message_after;
  for (const FindingChange& c : diff->findings) {
    change.append(ChangeName(c.kind));
    rule.append(c.finding().rule);
    subject.append(c.finding().subject);
    period.append(c.finding().period);
    severity_before.append(c.before.severity);
    severity_after.append(c.after.severity);
    message_before.append(c.before.message);
    message_after.append(c.after.message);
  }
  py::list d_change, d_table, d_key, d_before, d_after;
  for (const DerivedRowChange& c : diff->derived) {
    d_change.append(ChangeName(c.kind));
    d_table.append(c.table);
    d_key.append(c.key);
    d_before.append(c.before);
    d_after.append(c.after);
  }
  return py::dict(
      "findings"_a = py::dict("change"_a = change, "rule"_a = rule, "subject"_a = subject,
                              "period"_a = period, "severity_before"_a = severity_before,
                              "severity_after"_a = severity_after,
                              "message_before"_a = message_before,
                              "message_after"_a = message_after),
      "derived"_a = py::dict("change"_a = d_change, "table"_a = d_table, "key"_a = d_key,
                             "before"_a = d_before, "after"_a = d_after));
}

py::dict TestPack(const std::string& dir, const py::dict& params, const std::string& filter) {
  PackTestOptions options;
  options.filter = filter;
  for (const auto& [key, value] : params) {
    // As `zhucun test --param NAME=VALUE`: the value written as YAML.
    const std::string name = key.cast<std::string>();
    options.params[name] = ParamValueYaml(ToParamValue(value, name));
  }
  SourceManager sources;
  std::optional<Result<PackTestReport>> report;
  {
    py::gil_scoped_release release;
    report.emplace(RunPackTests(dir, sources, options));
  }
  if (!report->ok()) {
    Raise("RuleError", "the tests of the pack `" + dir + "` do not load",
          report->diagnostics(), sources);
  }
  const PackTestReport& r = report->value();
  py::list cases;
  for (const PackTestCaseResult& c : r.cases) {
    Diagnostics failures;
    for (const PackTestFailure& f : c.failures) failures.Add(f.diagnostic);
    cases.append(py::dict("file"_a = c.file, "name"_a = c.name, "passed"_a = c.passed(),
                          "failures"_a = DiagnosticsToPy(failures, sources)));
  }
  py::dict coverage("rules"_a = r.coverage.rules, "never_fires"_a = r.coverage.never_fires,
                    "never_quiet"_a = r.coverage.never_quiet,
                    "complete"_a = r.coverage.complete(),
                    "checked"_a = r.coverage_checked);
  return py::dict("cases"_a = cases, "coverage"_a = coverage, "passed"_a = r.passed());
}

// ReadsOf as a list of dicts (kind, name, subject, table, group_by, facts,
// facts_any, unknown, relations as (table, field, reverse, column, other)).
py::list ReadsToPy(const PyPolicy& p) {
  py::list out;
  for (const ExpressionReads& r : ReadsOf(*p.policy)) {
    const char* kind = r.kind == ExpressionReads::Kind::kRule      ? "rule"
                       : r.kind == ExpressionReads::Kind::kDerived ? "derived"
                                                                   : "summary_key";
    const char* subject = r.subject == ExpressionReads::Subject::kTable   ? "table"
                          : r.subject == ExpressionReads::Subject::kGroup ? "group"
                                                                          : "prefecture";
    py::list relations;
    for (const RelationRead& rel : r.relations) {
      relations.append(py::make_tuple(rel.table, rel.field, rel.reverse, rel.column, rel.other));
    }
    out.append(py::dict("kind"_a = kind, "name"_a = r.name, "subject"_a = subject,
                        "table"_a = r.table, "group_by"_a = r.group_by, "facts"_a = r.facts,
                        "facts_any"_a = r.facts_any, "unknown"_a = r.unknown,
                        "relations"_a = relations));
  }
  return out;
}

PyPolicy RestrictPolicy(const PyPolicy& p, const std::vector<std::string>& rules,
                        const std::vector<std::string>& derived) {
  PyPolicy out;
  out.policy = std::make_shared<const Policy>(Restrict(*p.policy, rules, derived));
  out.sources = p.sources;
  return out;
}

py::list StatsToPy(const PyFacts& facts) {
  py::list out;
  for (const TableStats& s : facts.facts->stats()) {
    out.append(py::make_tuple(s.table, s.read, s.accepted, s.rejected));
  }
  return out;
}

}  // namespace

}  // namespace zhucun::python

PYBIND11_MODULE(_zhucun, m) {
  using namespace zhucun::python;
  m.doc() =
      "The native part of zhucun: a compiled policy, fact sets and checks. "
      "Use the `zhucun` package, not this module.";
  m.attr("version") = ZHUCUN_VERSION_STRING;

  py::class_<PyFacts>(m, "Facts", "Validated fact tables, built once per check.")
      .def("stats", &StatsToPy,
           "Per table in schema order: (table, rows read, accepted, rejected).");

  py::class_<PyPolicy>(m, "Policy", "A compiled policy pack (immutable, thread-safe).")
      .def_static("load", &LoadPolicy, "dir"_a, "params"_a,
                  "Loads and compiles the pack in `dir`; raises zhucun.RuleError.")
      .def("schema", [](const PyPolicy& p) { return SchemaToPy(p.policy->schema()); },
           "The fact tables of the pack's schema, as dicts.")
      .def("info", [](const PyPolicy& p) { return InfoToPy(p.policy->info()); },
           "The pack's name, rules, parameters, derived tables and tests, as a dict.")
      .def("reads", &ReadsToPy,
           "What each rule, derived table and summary key reads (zhucun/reads.h).")
      .def("restrict", &RestrictPolicy, "rules"_a, "derived"_a,
           "The policy of only these rules and derived tables (zhucun/reads.h).")
      .def("read_csv", &ReadCsv, "dir"_a, "lenient"_a, "encoding"_a,
           "Reads `dir/<table>.csv` for every table; raises zhucun.InputError.")
      .def("build_facts", &BuildFacts, "tables"_a, "lenient"_a, "null_values"_a,
           "Builds facts from prepared columns (zhucun._frames); raises zhucun.InputError.")
      .def("check", &Check, "facts"_a, "as_of"_a, "start"_a, "threads"_a, "profile"_a, "plan"_a,
           "lang"_a,
           "Evaluates every rule and derived table; a dict of plain lists.")
      .def("explain", &Explain, "facts"_a, "as_of"_a, "start"_a, "rule"_a, "subject"_a,
           "period"_a, "lang"_a, "Explains one decision; a dict of the explanation's fields.");

  m.def("diff", &DiffChecks, "before"_a, "before_facts"_a, "after"_a, "after_facts"_a,
        "as_of"_a, "start"_a, "threads"_a,
        "The findings and derived rows that differ between two policies' checks.");
  m.def("test_pack", &TestPack, "dir"_a, "params"_a, "filter"_a,
        "Runs a pack's tests; raises zhucun.RuleError when they do not load.");
}
