// Pack tests (include/zhucun/pack_test.h, docs/pack-tests.md): reading the
// test files a pack lists in `tests:`, building each case's fact tables from
// the CSV text blocks written in them, running the cases through
// Policy::Check and comparing with what they expect.
//
// A table is a YAML literal block (`members: |`) holding CSV text. It is
// read by the CSV reader itself (ReadCsvTable), so a test table is validated
// exactly as a file would be. The reader is given a text that starts with as
// many empty lines as come before the block in the YAML file (the reader
// skips blank lines), then the block's value: its lines are those of the
// YAML file with the block's indentation removed, so line numbers in
// messages ("first on line 12") are those of the YAML file, and every span
// is mapped back into the YAML file by adding the indentation. A table
// written any other way (a quoted or folded scalar) is read too, and its
// diagnostics point at the whole scalar.

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/csv_blocks.h"
#include "engine/exceptions.h"
#include "engine/policy_impl.h"
#include "facts/csv_tokenizer.h"
#include "facts/format.h"
#include "facts/yaml_tree.h"
#include "rules/pack.h"
#include "rules/param_convert.h"
#include "source/quote.h"
#include "zhucun/csv.h"
#include "zhucun/date.h"
#include "zhucun/engine.h"
#include "zhucun/fact_table.h"
#include "zhucun/pack_test.h"

namespace zhucun {

std::vector<std::string> Policy::test_files() const {
  return impl_->pack.test_files;
}

namespace {

using internal::Block;
using internal::BlockMap;
using internal::CsvRecord;
using internal::CsvTokenizer;
using internal::PolicyAccess;
using internal::PolicyImpl;
using internal::Quote;
using internal::QuoteList;
using internal::YamlChecker;
using internal::YamlFields;
using internal::YamlNode;

constexpr size_t kMaxTestFileBytes = size_t{1} << 20;
const internal::YamlFileKind kTestFile{"test", "test file", "the test file",
                                       kMaxTestFileBytes, 64};

// The keys of a test file, of a case and of an expectation
// (facts/format.h).
namespace format = internal::format;
using format::IndexOf;
const std::vector<std::string>& kFileKeys = format::Names(format::kTestFile);
enum FileKey : size_t {
  kFileCases = IndexOf(format::kTestFile, "cases"),
  kFileAsOf = IndexOf(format::kTestFile, "as_of"),
  kFileFrom = IndexOf(format::kTestFile, "from"),
  kFileParams = IndexOf(format::kTestFile, "params"),
  kFileTables = IndexOf(format::kTestFile, "tables"),
};
const std::vector<std::string>& kCaseKeys = format::Names(format::kCase);
enum CaseKey : size_t {
  kName = IndexOf(format::kCase, "name"),
  kAsOf = IndexOf(format::kCase, "as_of"),
  kFrom = IndexOf(format::kCase, "from"),
  kParams = IndexOf(format::kCase, "params"),
  kTables = IndexOf(format::kCase, "tables"),
  kExpect = IndexOf(format::kCase, "expect"),
  kExpectNot = IndexOf(format::kCase, "expect_not"),
  kDerived = IndexOf(format::kCase, "derived"),
  kExpectExempted = IndexOf(format::kCase, "expect_exempted"),
};
const std::vector<std::string>& kExpectKeys = format::Names(format::kExpect);
const std::vector<std::string>& kExpectNotKeys = format::Names(format::kExpectNot);
const std::vector<std::string>& kExpectExemptedKeys = format::Names(format::kExpectExempted);
// The three kinds of expectation share their first keys' indices; the
// fourth is `message` or `exception`.
enum ExpectKey : size_t {
  kRule = IndexOf(format::kExpect, "rule"),
  kSubject = IndexOf(format::kExpect, "subject"),
  kPeriod = IndexOf(format::kExpect, "period"),
  kMessage = IndexOf(format::kExpect, "message"),
  kException = IndexOf(format::kExpectExempted, "exception"),
};
static_assert(IndexOf(format::kExpectNot, "rule") == kRule &&
              IndexOf(format::kExpectNot, "subject") == kSubject &&
              IndexOf(format::kExpectNot, "period") == kPeriod &&
              IndexOf(format::kExpectExempted, "rule") == kRule &&
              IndexOf(format::kExpectExempted, "subject") == kSubject &&
              IndexOf(format::kExpectExempted, "period") == kPeriod &&
              kException == kMessage);

// The most findings listed in the help of a failure.
constexpr size_t kMaxListed = 5;

// One expected finding (`expect:`), one that must not be there
// (`expect_not:`), or one that an exception record must exempt
// (`expect_exempted:`, docs/rules.md, "Exceptions").
struct Expectation {
  bool present = true;
  bool exempted = false;
  std::optional<std::string> exception;  // expect_exempted: the record's id
  std::string rule;
  std::optional<std::string> subject;
  std::optional<std::string> period;
  std::optional<std::string> message;
  SourceSpan span;  // the item
};

// Exact rows expected of a derived table.
struct DerivedExpectation {
  std::string table;
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
  std::vector<SourceSpan> row_spans;
  SourceSpan span;  // the whole block
};

struct Case {
  std::string file;
  std::string name;
  SourceSpan span;
  Date as_of;
  std::optional<Date> from;
  std::map<std::string, std::string> params;  // as YAML text (flow style)
  std::shared_ptr<const FactSet> facts;
  std::vector<Expectation> expectations;
  std::vector<DerivedExpectation> derived;
};

// What a rule's expectations are checked against.
struct RuleInfo {
  const internal::RuleSpec* spec = nullptr;  // null for the exceptions' own rules
  bool has_period = false;
};

// "`members:M1` in `2023-Q1`: message"
std::string Describe(const Finding& f) {
  std::string s = Quote(f.subject);
  if (!f.period.empty()) s += " in " + Quote(f.period);
  if (!f.message.empty()) s += ": " + f.message;
  return s;
}

std::string DescribeList(const std::vector<Finding>& found) {
  std::string s;
  for (size_t i = 0; i < found.size() && i < kMaxListed; ++i) {
    if (i > 0) s += "; ";
    s += Describe(found[i]);
  }
  if (found.size() > kMaxListed) {
    s += "; and " + std::to_string(found.size() - kMaxListed) + " more";
  }
  return s;
}

std::string JoinRow(const std::vector<std::string>& cells) {
  std::string s;
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) s += ',';
    s += cells[i];
  }
  return s;
}

// A label of the kind of period, e.g. "2023-Q1" for quarters.
const char* ExamplePeriod(PeriodKind k) {
  switch (k) {
    case PeriodKind::kYear:
      return "2023";
    case PeriodKind::kHalf:
      return "2023-H1";
    case PeriodKind::kQuarter:
      return "2023-Q1";
    case PeriodKind::kMonth:
      return "2023-07";
  }
  return "2023";
}

// Reads the test files of a pack into cases, reporting every mistake.
class TestLoader {
 public:
  TestLoader(const Policy& policy, SourceManager& sources)
      : impl_(PolicyAccess::Impl(policy)), sources_(sources), blocks_(sources) {
    for (const internal::CompiledRule& r : impl_.rules) {
      rule_ids_.push_back(r.spec.id);
      rules_[r.spec.id] = RuleInfo{
          &r.spec, r.spec.period.has_value() || r.spec.periods.present()};
    }
    // The findings exception records give of themselves (exceptions.h), when
    // the pack has them.
    if (impl_.pack.schema.FindTable(internal::kExceptionsTable) != nullptr) {
      const internal::PackSpec::ExceptionFindingIds& own = impl_.pack.exception_ids;
      for (const std::string& id :
           {own.unknown_rule, own.unknown_subject, own.unknown_period, own.not_in_force}) {
        rule_ids_.push_back(id);
        rules_[id] = RuleInfo{nullptr, false};
      }
    }
    for (const TableSchema& t : impl_.pack.schema.tables)
      table_names_.push_back(t.name);
    for (const internal::CompiledDerived& d : impl_.derived) {
      derived_names_.push_back(d.spec.name);
    }
  }

  void File(const std::string& path);

  std::vector<Case>& cases() { return cases_; }
  Diagnostics& diags() { return diags_; }

 private:
  class Checker : public YamlChecker {
   public:
    Checker(const SourceManager& sources, FileId file)
        : YamlChecker(sources, file, "test") {}
  };

  // The defaults a test file gives its cases.
  struct Defaults {
    const YamlNode* as_of = nullptr;
    const YamlNode* from = nullptr;
    const YamlNode* params = nullptr;
    const YamlNode* tables = nullptr;
  };

  void ReadCase(Checker& c, const YamlNode& map, const Defaults& defaults,
                const std::string& file,
                std::unordered_map<std::string, uint32_t>* names);
  std::optional<Date> ReadDate(Checker& c, const YamlNode* key,
                               const YamlNode& value);
  void ReadParams(Checker& c, const YamlNode& key, const YamlNode& map,
                  std::map<std::string, std::string>* out);
  void CollectTables(Checker& c, const YamlNode& key, const YamlNode& map,
                     std::map<std::string, const YamlNode*>* out);
  std::shared_ptr<const FactSet> BuildFacts(
      Checker& c, const std::map<std::string, const YamlNode*>& tables);
  void CheckHeader(const Block& b, const TableSchema& t);
  enum class Expecting { kFinding, kNoFinding, kExemption };
  void ReadExpectations(Checker& c, const YamlNode& key, const YamlNode& list,
                        Expecting mode, Case* out);
  void CheckSubject(const Expectation& e, const RuleInfo& info,
                    const FactSet* facts, const YamlNode& at, Checker& c);
  void ReadDerived(Checker& c, const YamlNode& key, const YamlNode& map,
                   Case* out);
  void AddMapped(const Diagnostics& diags);

  const PolicyImpl& impl_;
  SourceManager& sources_;
  BlockMap blocks_;
  std::vector<std::string> rule_ids_;
  std::unordered_map<std::string, RuleInfo> rules_;
  std::vector<std::string> table_names_;
  std::vector<std::string> derived_names_;
  std::vector<std::unique_ptr<internal::YamlTree>> trees_;
  std::vector<Case> cases_;
  Diagnostics diags_;
  // Diagnostics already reported (a bad table shared by the cases of a file
  // is reported once).
  std::set<std::tuple<std::string, FileId, uint32_t, uint32_t, std::string>>
      seen_;
};

void TestLoader::AddMapped(const Diagnostics& diags) {
  const Diagnostics mapped = blocks_.Map(diags);
  for (const Diagnostic& d : mapped.items()) {
    if (seen_.emplace(d.code, d.span.file, d.span.begin, d.span.end, d.message)
            .second) {
      diags_.Add(d);
    }
  }
}

void TestLoader::File(const std::string& path) {
  std::string text, why;
  bool too_large = false;
  uint64_t size = 0;
  if (!internal::ReadFileLimited(path, kMaxTestFileBytes, &text, &why,
                                 &too_large, &size)) {
    diags_.Error("test.unreadable", "cannot read " + Quote(path) + ": " + why,
                 SourceSpan{});
    return;
  }
  const FileId file = sources_.Add(path, std::move(text));
  Diagnostics yaml;
  auto tree = std::make_unique<internal::YamlTree>(
      internal::ParseYamlTree(file, sources_, kTestFile, &yaml));
  diags_.Append(yaml);
  if (!tree->parsed) return;
  Checker c(sources_, file);
  const internal::YamlTree& t = *trees_.emplace_back(std::move(tree));
  if (!t.has_root || t.root.kind == YamlNode::Kind::kNull) {
    YamlNode at;
    c.Error(
        "test.missing", "the test file has no `cases`", at,
        "a test file is a map with a list of `cases:` (docs/pack-tests.md)");
    diags_.Append(c.diagnostics());
    return;
  }
  if (c.Expect(t.root, YamlNode::Kind::kMap, nullptr, "a test file")) {
    const YamlFields f = c.ReadFields(t.root, kFileKeys, "a test file");
    Defaults defaults;
    if (f.has(kFileAsOf)) defaults.as_of = f.values[kFileAsOf];
    if (f.has(kFileFrom)) defaults.from = f.values[kFileFrom];
    if (f.has(kFileParams)) defaults.params = f.values[kFileParams];
    if (f.has(kFileTables)) defaults.tables = f.values[kFileTables];
    // Defaults are checked once, here, and used by each case as they are.
    if (defaults.as_of != nullptr)
      ReadDate(c, f.keys[kFileAsOf], *defaults.as_of);
    if (defaults.from != nullptr)
      ReadDate(c, f.keys[kFileFrom], *defaults.from);
    if (defaults.params != nullptr) {
      std::map<std::string, std::string> unused;
      ReadParams(c, *f.keys[kFileParams], *defaults.params, &unused);
    }
    if (defaults.tables != nullptr) {
      std::map<std::string, const YamlNode*> unused;
      CollectTables(c, *f.keys[kFileTables], *defaults.tables, &unused);
    }
    if (!f.has(kFileCases)) {
      if (!f.suggested[kFileCases]) {
        c.Error("test.missing", "the test file has no `cases`", t.root,
                "add a list of `cases:` (docs/pack-tests.md)");
      }
    } else if (c.Expect(*f.values[kFileCases], YamlNode::Kind::kList,
                        f.keys[kFileCases], "")) {
      std::unordered_map<std::string, uint32_t> names;
      for (const YamlNode& item : f.values[kFileCases]->items) {
        if (!c.Expect(item, YamlNode::Kind::kMap, nullptr, "a case")) continue;
        ReadCase(c, item, defaults, path, &names);
      }
    }
  }
  AddMapped(c.diagnostics());
}

std::optional<Date> TestLoader::ReadDate(Checker& c, const YamlNode* key,
                                         const YamlNode& value) {
  if (!c.Expect(value, YamlNode::Kind::kScalar, key, "")) return std::nullopt;
  std::optional<Date> d = Date::Parse(value.value);
  if (!d) {
    c.Error("test.bad_date",
            (key != nullptr ? Quote(key->value) + ": " : std::string()) +
                Quote(value.value) + " is not a date",
            value,
            "write a real calendar date as YYYY-MM-DD, e.g. `2024-06-30`");
  }
  return d;
}

void TestLoader::ReadParams(Checker& c, const YamlNode& key,
                            const YamlNode& map,
                            std::map<std::string, std::string>* out) {
  if (!c.Expect(map, YamlNode::Kind::kMap, &key, "")) return;
  std::vector<std::string> names;
  for (const internal::ParamSpec& p : impl_.pack.params)
    names.push_back(p.name);
  for (size_t i = 0; i + 1 < map.items.size(); i += 2) {
    const YamlNode& name = map.items[i];
    const YamlNode& value = map.items[i + 1];
    if (!c.Expect(name, YamlNode::Kind::kScalar, nullptr, "a parameter name")) {
      continue;
    }
    const auto it = std::find_if(
        impl_.pack.params.begin(), impl_.pack.params.end(),
        [&](const internal::ParamSpec& p) { return p.name == name.value; });
    if (it == impl_.pack.params.end()) {
      const std::string best = ClosestMatch(name.value, names);
      c.Error("test.unknown_param", "unknown parameter " + Quote(name.value),
              name,
              best.empty() ? "the pack's parameters are declared in pack.yaml"
                           : "did you mean " + Quote(best) + "?");
      continue;
    }
    // Converted as the pack's default is (any type: a list, a map), and
    // kept as YAML text for Policy::Load.
    const std::string whole = "parameter " + Quote(name.value);
    if (value.kind == YamlNode::Kind::kNull) {
      c.Error("test.bad_param",
              "expected " + internal::ParamForm(it->type) + " for " + whole +
                  ", found nothing",
              name);
      continue;
    }
    Value converted;
    if (!internal::ConvertParamValue(c, "test.bad_param", value, it->type,
                                     whole, &converted)) {
      continue;
    }
    (*out)[name.value] = internal::FlowYaml(value);
  }
}

void TestLoader::CollectTables(Checker& c, const YamlNode& key,
                               const YamlNode& map,
                               std::map<std::string, const YamlNode*>* out) {
  if (!c.Expect(map, YamlNode::Kind::kMap, &key, "")) return;
  std::unordered_map<std::string, uint32_t> seen;
  for (size_t i = 0; i + 1 < map.items.size(); i += 2) {
    const YamlNode& name = map.items[i];
    const YamlNode& value = map.items[i + 1];
    if (!c.Expect(name, YamlNode::Kind::kScalar, nullptr, "a table name"))
      continue;
    const auto [first, inserted] = seen.emplace(name.value, c.Line(name));
    if (!inserted) {
      c.Error(
          "test.duplicate_key", "duplicate table " + Quote(name.value), name,
          "the table is first given on line " + std::to_string(first->second));
      continue;
    }
    if (impl_.pack.schema.FindTable(name.value) == nullptr) {
      const std::string best = ClosestMatch(name.value, table_names_);
      c.Error("test.unknown_table", "unknown table " + Quote(name.value), name,
              best.empty() ? "the tables are " + QuoteList(table_names_)
                           : "did you mean " + Quote(best) + "?");
      continue;
    }
    if (!c.Expect(value, YamlNode::Kind::kScalar, &name, "")) continue;
    (*out)[name.value] = &value;
  }
}

void TestLoader::CheckHeader(const Block& b, const TableSchema& t) {
  const std::string_view text = sources_.text(b.text);
  CsvTokenizer tokenizer(text);
  CsvRecord header;
  if (!tokenizer.Next(&header)) return;  // the reader reports it
  std::vector<std::string> columns;
  for (const ColumnSchema& col : t.columns) columns.push_back(col.name);
  for (const internal::CsvField& field : header.fields) {
    if (t.ColumnIndex(field.value) >= 0) continue;
    const std::string best = ClosestMatch(field.value, columns);
    Diagnostics d;
    d.Error("test.unknown_column",
            "table " + Quote(t.name) + " has no column " + Quote(field.value),
            SourceSpan{b.text, field.begin, field.end},
            best.empty() ? "its columns are " + QuoteList(columns)
                         : "did you mean " + Quote(best) + "?");
    AddMapped(d);
  }
}

std::shared_ptr<const FactSet> TestLoader::BuildFacts(
    Checker& c, const std::map<std::string, const YamlNode*>& tables) {
  const Schema& schema = impl_.pack.schema;
  FactSetBuilder builder(schema);
  for (const auto& [name, node] : tables) {
    const int t = schema.TableIndex(name);
    if (t < 0) continue;
    const FileId yaml = c.file();
    // A table of the file's defaults lies in the same file as the case.
    const Block& b = blocks_.Add(yaml, *node, name);
    CheckHeader(b, schema.tables[static_cast<size_t>(t)]);
    ReadCsvTable(static_cast<size_t>(t), b.text, sources_, builder);
  }
  Result<FactSet> facts = builder.Finish(Strictness::kStrict);
  if (!facts.ok()) {
    AddMapped(facts.diagnostics());
    return nullptr;
  }
  return std::make_shared<const FactSet>(std::move(facts).value());
}

void TestLoader::ReadCase(Checker& c, const YamlNode& map,
                          const Defaults& defaults, const std::string& file,
                          std::unordered_map<std::string, uint32_t>* names) {
  const YamlFields f = c.ReadFields(map, kCaseKeys, "a case");
  Case out;
  out.file = file;
  out.span = c.Span(map);
  if (!f.has(kName)) {
    if (!f.suggested[kName]) {
      c.Error("test.missing", "the case has no `name`", map,
              "every case starts with `- name: ...`, a sentence saying what "
              "it checks");
    }
  } else if (c.Expect(*f.values[kName], YamlNode::Kind::kScalar, f.keys[kName],
                      "")) {
    const YamlNode& name = *f.values[kName];
    out.name = name.value;
    out.span = c.Span(name);
    const auto [it, inserted] = names->emplace(name.value, c.Line(name));
    if (!inserted) {
      c.Error("test.duplicate_case", "duplicate case name " + Quote(name.value),
              name,
              "the name is first used on line " + std::to_string(it->second));
    }
  }
  const YamlNode& anchor =
      f.has(kName) && f.values[kName]->kind == YamlNode::Kind::kScalar
          ? *f.values[kName]
          : map;

  // Dates: the case's, else the file's.
  if (f.has(kAsOf)) {
    if (auto d = ReadDate(c, f.keys[kAsOf], *f.values[kAsOf])) out.as_of = *d;
  } else if (defaults.as_of != nullptr) {
    if (auto d = Date::Parse(defaults.as_of->value)) out.as_of = *d;
  } else {
    c.Error("test.missing", "case " + Quote(out.name) + " has no `as_of`",
            anchor,
            "give the evaluation date, e.g. `as_of: 2024-06-30`, in the case "
            "or at the top of the file");
  }
  if (f.has(kFrom)) {
    out.from = ReadDate(c, f.keys[kFrom], *f.values[kFrom]);
  } else if (defaults.from != nullptr) {
    out.from = Date::Parse(defaults.from->value);
  }

  // Parameters: the file's, then the case's.
  if (defaults.params != nullptr) {
    Checker quiet(sources_, c.file());  // already reported
    ReadParams(quiet, *defaults.params, *defaults.params, &out.params);
  }
  if (f.has(kParams))
    ReadParams(c, *f.keys[kParams], *f.values[kParams], &out.params);

  // Tables: the file's, each replaced by the case's of the same name.
  std::map<std::string, const YamlNode*> tables;
  if (defaults.tables != nullptr) {
    Checker quiet(sources_, c.file());
    CollectTables(quiet, *defaults.tables, *defaults.tables, &tables);
  }
  if (f.has(kTables)) {
    std::map<std::string, const YamlNode*> own;
    CollectTables(c, *f.keys[kTables], *f.values[kTables], &own);
    for (const auto& [name, node] : own) tables[name] = node;
  }
  AddMapped(c.diagnostics());
  c.diagnostics() = Diagnostics();
  out.facts = BuildFacts(c, tables);

  // (A misspelt `expect` is reported as such, not as nothing expected.)
  if (!f.has(kExpect) && !f.has(kExpectNot) && !f.has(kDerived) &&
      !f.has(kExpectExempted) && !f.suggested[kExpect] && !f.suggested[kExpectNot] &&
      !f.suggested[kDerived] && !f.suggested[kExpectExempted]) {
    c.Error("test.nothing_expected",
            "case " + Quote(out.name) + " expects nothing", anchor,
            "add `expect:` (findings that must be there), `expect_not:` "
            "(findings that must not), `expect_exempted:` (findings an exception "
            "record exempts) or `derived:` (rows of a derived table)");
  }
  if (f.has(kExpect)) {
    ReadExpectations(c, *f.keys[kExpect], *f.values[kExpect], Expecting::kFinding, &out);
  }
  if (f.has(kExpectNot)) {
    ReadExpectations(c, *f.keys[kExpectNot], *f.values[kExpectNot], Expecting::kNoFinding,
                     &out);
  }
  if (f.has(kExpectExempted)) {
    ReadExpectations(c, *f.keys[kExpectExempted], *f.values[kExpectExempted],
                     Expecting::kExemption, &out);
  }
  if (f.has(kDerived))
    ReadDerived(c, *f.keys[kDerived], *f.values[kDerived], &out);
  AddMapped(c.diagnostics());
  c.diagnostics() = Diagnostics();
  cases_.push_back(std::move(out));
}

void TestLoader::ReadExpectations(Checker& c, const YamlNode& key,
                                  const YamlNode& list, Expecting mode,
                                  Case* out) {
  if (!c.Expect(list, YamlNode::Kind::kList, &key, "")) return;
  // An exempted finding is a finding that must be there (in the exempted).
  const bool present = mode != Expecting::kNoFinding;
  const bool exempted = mode == Expecting::kExemption;
  const char* what = mode == Expecting::kFinding     ? "an expected finding"
                     : mode == Expecting::kNoFinding ? "an `expect_not` item"
                                                     : "an `expect_exempted` item";
  if (exempted && impl_.pack.schema.FindTable(internal::kExceptionsTable) == nullptr) {
    c.Error("test.no_exceptions",
            "the pack has no `exceptions` table, so no finding can be exempted", key,
            "exception records are rows of a table `exceptions` in the pack's schema "
            "(docs/rules.md, \"Exceptions\")");
    return;
  }
  for (const YamlNode& item : list.items) {
    if (!c.Expect(item, YamlNode::Kind::kMap, nullptr, what)) continue;
    const YamlFields f = c.ReadFields(
        item, exempted ? kExpectExemptedKeys : present ? kExpectKeys : kExpectNotKeys, what);
    Expectation e;
    e.present = present;
    e.exempted = exempted;
    e.span = c.Span(item);
    if (!f.has(kRule)) {
      if (!f.suggested[kRule]) {
        c.Error("test.missing", std::string(what) + " has no `rule`", item,
                "name the rule by its id, e.g. `rule: handover.period`");
      }
      continue;
    }
    if (!c.Expect(*f.values[kRule], YamlNode::Kind::kScalar, f.keys[kRule],
                  "")) {
      continue;
    }
    const YamlNode& rule = *f.values[kRule];
    e.rule = rule.value;
    const auto info = rules_.find(e.rule);
    if (info == rules_.end()) {
      const std::string best = ClosestMatch(e.rule, rule_ids_);
      c.Error("test.unknown_rule", "unknown rule " + Quote(e.rule), rule,
              best.empty() ? "the pack's rules are listed by `zhucun test` "
                             "under coverage; check the `id:` in the rule files"
                           : "did you mean " + Quote(best) + "?");
      continue;
    }
    if (exempted && info->second.spec == nullptr) {
      c.Error("test.bad_rule",
              "the findings of " + Quote(e.rule) + " are about exception records; they are "
              "never exempted",
              rule, "expect them with `expect:`");
      continue;
    }
    bool ok = true;
    for (size_t k : {kSubject, kPeriod, kMessage}) {
      if (k == kMessage && !present) continue;
      if (!f.has(k)) continue;
      if (!c.Expect(*f.values[k], YamlNode::Kind::kScalar, f.keys[k], "")) {
        ok = false;
        continue;
      }
      const std::string& v = f.values[k]->value;
      if (k == kSubject) e.subject = v;
      if (k == kPeriod) e.period = v;
      if (k == kMessage) (exempted ? e.exception : e.message) = v;
    }
    if (!ok) continue;
    // The exceptions' own findings: their subject is a record, their
    // period (if any) that of the finding a record failed to exempt.
    if (info->second.spec == nullptr) {
      if (present && !f.has(kSubject) && !f.suggested[kSubject]) {
        c.Error("test.missing", "the expected finding has no `subject`", item,
                "say which record, e.g. `subject: exceptions:X1`");
        continue;
      }
      if (e.subject && !e.subject->starts_with(std::string(internal::kExceptionsTable) + ":")) {
        c.Error("test.bad_subject",
                "the subjects of " + Quote(e.rule) + " are exception records, not " +
                    Quote(*e.subject),
                *f.values[kSubject], "write the subject as `exceptions:<exception_id>`");
        continue;
      }
      out->expectations.push_back(std::move(e));
      continue;
    }
    if (present && !f.has(kSubject) && !f.suggested[kSubject]) {
      c.Error("test.missing", "the expected finding has no `subject`", item,
              "say whose finding it is, e.g. `subject: members:M1`");
      continue;
    }
    // The period: required for rules judged per period, else not allowed.
    const internal::RuleSpec& spec = *info->second.spec;
    if (e.period) {
      const YamlNode& at = *f.values[kPeriod];
      if (!info->second.has_period) {
        c.Error("test.bad_period",
                "rule " + Quote(e.rule) +
                    " has no periods, but a `period` is given",
                at, "leave the `period` out for this rule");
        continue;
      }
      const std::optional<Period> p = Period::Parse(*e.period);
      if (!p) {
        c.Error("test.bad_period", Quote(*e.period) + " is not a period", at,
                "write a period as `2023`, `2023-H1`, `2023-Q1` or `2023-07`");
        continue;
      }
      if (spec.period && p->kind() != *spec.period) {
        c.Error("test.bad_period",
                "rule " + Quote(e.rule) + " is judged per " +
                    PeriodKindName(*spec.period) + ", but " + Quote(*e.period) +
                    " is a " + PeriodKindName(p->kind()),
                at,
                std::string("write a ") + PeriodKindName(*spec.period) +
                    ", e.g. `" + ExamplePeriod(*spec.period) + "`");
        continue;
      }
      e.period = p->label();
    } else if (present && info->second.has_period && !f.suggested[kPeriod]) {
      c.Error("test.missing",
              "rule " + Quote(e.rule) +
                  " is judged per period; the expected finding has no `period`",
              item,
              std::string("add the period, e.g. `period: ") +
                  ExamplePeriod(spec.period.value_or(PeriodKind::kYear)) + "`");
      continue;
    }
    if (e.subject) {
      CheckSubject(e, info->second, out->facts.get(), *f.values[kSubject], c);
    }
    out->expectations.push_back(std::move(e));
  }
}

void TestLoader::CheckSubject(const Expectation& e, const RuleInfo& info,
                              const FactSet* facts, const YamlNode& at,
                              Checker& c) {
  using Kind = internal::SubjectSpec::Kind;
  const internal::SubjectSpec& s = info.spec->subject;
  const std::string& subject = *e.subject;
  if (s.kind == Kind::kPrefecture) {
    const std::string label = s.label.empty() ? "prefecture" : s.label;
    if (subject != label) {
      c.Error("test.bad_subject",
              "rule " + Quote(e.rule) + " has the single subject " +
                  Quote(label) + ", not " + Quote(subject),
              at, "write `subject: " + label + "`");
    }
    return;
  }
  const std::string label = s.label.empty() ? s.table : s.label;
  const TableSchema* table = impl_.pack.schema.FindTable(s.table);
  const std::string column = s.kind == Kind::kGroup
                                 ? s.group_by
                                 : (table != nullptr ? table->key : "");
  const std::string form =
      label + ":<" + (column.empty() ? "key" : column) + ">";
  if (subject.size() <= label.size() + 1 ||
      subject.compare(0, label.size(), label) != 0 ||
      subject[label.size()] != ':') {
    c.Error("test.bad_subject",
            "rule " + Quote(e.rule) + " is about " + Quote(label) +
                ", but the subject is " + Quote(subject),
            at, "write the subject as `" + form + "`");
    return;
  }
  if (facts == nullptr || column.empty()) return;  // the tables are bad
  const std::string key = subject.substr(label.size() + 1);
  const FactTable* t = facts->table(s.table);
  bool found = false;
  if (t != nullptr && s.kind == Kind::kTable) {
    found = t->FindKey(key).has_value();
  } else if (t != nullptr) {
    const Column* col = t->column(column);
    for (size_t r = 0; col != nullptr && r < t->num_rows() && !found; ++r) {
      found = internal::Text(col->Get(r)) == key;
    }
  }
  if (!found) {
    c.Error("test.unknown_subject",
            "the case has no " + Quote(s.table) + " row with " + Quote(column) +
                " " + Quote(key),
            at, "a subject names a row of the case's tables");
  }
}

void TestLoader::ReadDerived(Checker& c, const YamlNode& key,
                             const YamlNode& map, Case* out) {
  if (!c.Expect(map, YamlNode::Kind::kMap, &key, "")) return;
  for (size_t i = 0; i + 1 < map.items.size(); i += 2) {
    const YamlNode& name = map.items[i];
    const YamlNode& value = map.items[i + 1];
    if (!c.Expect(name, YamlNode::Kind::kScalar, nullptr,
                  "a derived table name")) {
      continue;
    }
    const auto d = std::find_if(impl_.derived.begin(), impl_.derived.end(),
                                [&](const internal::CompiledDerived& x) {
                                  return x.spec.name == name.value;
                                });
    if (d == impl_.derived.end()) {
      const std::string best = ClosestMatch(name.value, derived_names_);
      c.Error("test.unknown_table",
              "unknown derived table " + Quote(name.value), name,
              best.empty() ? (derived_names_.empty()
                                  ? std::string("the pack derives no tables")
                                  : "the derived tables are " +
                                        QuoteList(derived_names_))
                           : "did you mean " + Quote(best) + "?");
      continue;
    }
    if (!c.Expect(value, YamlNode::Kind::kScalar, &name, "")) continue;
    std::vector<std::string> columns;
    for (const auto& [col, unused] : d->spec.columns) columns.push_back(col);
    const Block& b = blocks_.Add(c.file(), value, name.value);
    DerivedExpectation de;
    de.table = name.value;
    de.span = b.node;
    Diagnostics problems;
    const std::string_view text = sources_.text(b.text);
    CsvTokenizer tokenizer(text);
    CsvRecord record;
    if (!tokenizer.Next(&record)) {
      problems.Error("test.no_header",
                     "the rows of " + Quote(name.value) +
                         " have no header line; expected some of the columns " +
                         QuoteList(columns),
                     b.node);
    } else {
      bool bad = false;
      for (const internal::CsvField& field : record.fields) {
        const std::string col(field.value);
        if (std::find(columns.begin(), columns.end(), col) == columns.end()) {
          const std::string best = ClosestMatch(col, columns);
          problems.Error("test.unknown_column",
                         "derived table " + Quote(name.value) +
                             " has no column " + Quote(col),
                         SourceSpan{b.text, field.begin, field.end},
                         best.empty() ? "its columns are " + QuoteList(columns)
                                      : "did you mean " + Quote(best) + "?");
          bad = true;
        } else if (std::find(de.columns.begin(), de.columns.end(), col) !=
                   de.columns.end()) {
          problems.Error("test.duplicate_column",
                         "column " + Quote(col) + " is named twice",
                         SourceSpan{b.text, field.begin, field.end});
          bad = true;
        }
        de.columns.push_back(col);
      }
      while (!bad && tokenizer.Next(&record)) {
        const uint32_t begin = record.fields.front().begin;
        const uint32_t end = record.fields.back().end;
        if (record.fields.size() != de.columns.size()) {
          problems.Error(
              "test.field_count",
              "the row has " + std::to_string(record.fields.size()) +
                  (record.fields.size() == 1 ? " field" : " fields") +
                  " but the header has " + std::to_string(de.columns.size()),
              SourceSpan{b.text, begin, end});
          continue;
        }
        std::vector<std::string> row;
        for (const internal::CsvField& field : record.fields)
          row.emplace_back(field.value);
        de.rows.push_back(std::move(row));
        de.row_spans.push_back(blocks_.Map(SourceSpan{b.text, begin, end}));
      }
      if (const auto& e = tokenizer.error()) {
        problems.Error("test.malformed",
                       "the rows of " + Quote(name.value) + ": " + e->message,
                       SourceSpan{b.text, e->offset, e->offset + 1});
      }
    }
    const bool ok = !problems.has_errors();
    AddMapped(problems);
    if (ok) out->derived.push_back(std::move(de));
  }
}

// An `expect_exempted` item against a report: a failure when the finding is
// not among the exempted (by the record named, if one is).
// (`not_in_force`: the rule id of the records' warnings.)
std::optional<PackTestFailure> CheckExemption(const Expectation& e, const Report& report,
                                              const std::string& not_in_force) {
  const auto same = [&](const Finding& f) {
    return f.rule == e.rule && f.subject == *e.subject && (!e.period || f.period == *e.period);
  };
  std::vector<Finding> by_others;
  std::vector<std::string> others;
  for (const Exemption& x : report.exempted) {
    if (!same(x.finding)) continue;
    if (!e.exception || x.exception == *e.exception) return std::nullopt;
    by_others.push_back(x.finding);
    others.push_back(x.exception);
  }
  std::string what = "expected " + Quote(e.rule) + " for " + Quote(*e.subject);
  if (e.period) what += " in " + Quote(*e.period);
  what += " to be exempted";
  if (e.exception) what += " by " + Quote(*e.exception);
  what += ", but it is not";
  std::vector<Finding> found;
  for (const Finding& f : report.findings) {
    if (same(f)) found.push_back(f);
  }
  std::string help;
  if (!by_others.empty()) {
    help = "it is exempted by " + QuoteList(others);
    found = std::move(by_others);
  } else if (!found.empty()) {
    help = "it is a finding: " + DescribeList(found);
    // The records' own findings say why they did not exempt it.
    for (const Finding& f : report.findings) {
      if (f.rule == not_in_force &&
          f.message.find(Quote(e.rule) + " on " + Quote(*e.subject)) != std::string::npos) {
        help += "; " + f.subject + " " + f.message;
      }
    }
  } else {
    help = Quote(e.rule) + " did not fire for " + Quote(*e.subject);
  }
  return PackTestFailure{Diagnostic{Severity::kError, "test.missing_exemption", std::move(what),
                                    e.span, std::move(help)},
                         std::move(found)};
}

// Runs one case with its policy.
std::vector<PackTestFailure> RunCase(const Case& k, const Policy& policy) {
  std::vector<PackTestFailure> failures;
  CheckOptions options;
  options.as_of = k.as_of;
  options.from = k.from;
  const Result<Report> report = policy.Check(k.facts, options);
  if (!report.ok()) {
    for (const Diagnostic& d : report.diagnostics().items()) {
      if (d.severity == Severity::kError) failures.push_back({d, {}});
    }
    return failures;
  }
  const std::vector<Finding>& findings = report.value().findings;
  for (const Expectation& e : k.expectations) {
    if (e.exempted) {
      if (auto failure = CheckExemption(e, report.value(),
                                        PolicyAccess::Impl(policy).pack.exception_ids.not_in_force)) {
        failures.push_back(std::move(*failure));
      }
      continue;
    }
    std::vector<Finding> matches;
    for (const Finding& f : findings) {
      if (f.rule != e.rule) continue;
      if (e.subject && f.subject != *e.subject) continue;
      if (e.period && f.period != *e.period) continue;
      if (e.present && e.message &&
          f.message.find(*e.message) == std::string::npos) {
        continue;
      }
      matches.push_back(f);
    }
    if (e.present && matches.empty()) {
      std::string what =
          "expected " + Quote(e.rule) + " for " + Quote(*e.subject);
      if (e.period) what += " in " + Quote(*e.period);
      if (e.message) what += " with a message containing " + Quote(*e.message);
      std::vector<Finding> found;
      for (const Finding& f : findings) {
        if (f.rule == e.rule && f.subject == *e.subject) found.push_back(f);
      }
      std::string help;
      if (!found.empty()) {
        help = "found instead: " + DescribeList(found);
      } else {
        for (const Finding& f : findings) {
          if (f.rule == e.rule) found.push_back(f);
        }
        help = found.empty()
                   ? Quote(e.rule) + " did not fire at all"
                   : Quote(e.rule) + " fired only for " + DescribeList(found);
      }
      failures.push_back(
          {Diagnostic{Severity::kError, "test.missing_finding",
                      what + ", but it is not there", e.span, std::move(help)},
           std::move(found)});
    } else if (!e.present && !matches.empty()) {
      std::string what = "expected no " + Quote(e.rule);
      if (e.subject) what += " for " + Quote(*e.subject);
      if (e.period) what += " in " + Quote(*e.period);
      what +=
          matches.size() == 1
              ? ", but it fired once"
              : ", but it fired " + std::to_string(matches.size()) + " times";
      failures.push_back({Diagnostic{Severity::kError,
                                     "test.unexpected_finding", std::move(what),
                                     e.span, "found: " + DescribeList(matches)},
                          std::move(matches)});
    }
  }
  for (const DerivedExpectation& de : k.derived) {
    const DerivedTable* table = nullptr;
    for (const DerivedTable& t : report.value().derived) {
      if (t.name == de.table) table = &t;
    }
    if (table == nullptr) continue;  // checked when loading
    std::vector<size_t> index;
    for (const std::string& c : de.columns) {
      index.push_back(static_cast<size_t>(
          std::find(table->columns.begin(), table->columns.end(), c) -
          table->columns.begin()));
    }
    std::vector<std::vector<std::string>> actual;
    for (size_t r = 0; r < table->num_rows(); ++r) {
      std::vector<std::string> cells;
      for (size_t i : index) cells.push_back(i < table->cells.size() ? table->Text(r, i) : "");
      actual.push_back(std::move(cells));
    }
    for (size_t r = 0; r < std::max(actual.size(), de.rows.size()); ++r) {
      if (r < actual.size() && r < de.rows.size() && actual[r] == de.rows[r])
        continue;
      Diagnostic d{Severity::kError, "test.derived_mismatch", "", de.span, ""};
      if (r < de.rows.size()) d.span = de.row_spans[r];
      if (r < actual.size() && r < de.rows.size()) {
        d.message = Quote(de.table) + " row " + std::to_string(r + 1) + " is " +
                    Quote(JoinRow(actual[r])) + ", not the expected " +
                    Quote(JoinRow(de.rows[r]));
      } else if (r < de.rows.size()) {
        d.message = Quote(de.table) + " has " + std::to_string(actual.size()) +
                    (actual.size() == 1 ? " row" : " rows") +
                    "; the expected row " + Quote(JoinRow(de.rows[r])) +
                    " is not there";
      } else {
        d.message = Quote(de.table) + " has " + std::to_string(actual.size()) +
                    " rows, more than the " + std::to_string(de.rows.size()) +
                    " expected; row " + std::to_string(r + 1) + " is " +
                    Quote(JoinRow(actual[r]));
      }
      d.help = "columns: " + JoinRow(de.columns);
      failures.push_back({std::move(d), {}});
      break;  // the first difference of each table
    }
  }
  return failures;
}

}  // namespace

Result<PackTestReport> RunPackTests(const std::string& dir,
                                    SourceManager& sources,
                                    const PackTestOptions& options) {
  Result<Policy> loaded = Policy::Load(dir, sources, options.params);
  if (!loaded.ok()) return Result<PackTestReport>(loaded.diagnostics());
  const Policy& base = loaded.value();
  TestLoader loader(base, sources);
  for (const std::string& path : base.test_files()) loader.File(path);
  if (loader.diags().has_errors()) {
    return Result<PackTestReport>(internal::SortedByPosition(loader.diags()));
  }

  PackTestReport report;
  report.coverage_checked = options.filter.empty();
  // Coverage: over every case of every file.
  std::set<std::string> fires, quiet;
  for (const Case& k : loader.cases()) {
    for (const Expectation& e : k.expectations) {
      (e.present ? fires : quiet).insert(e.rule);
    }
  }
  report.coverage.rules = base.rule_ids();
  for (const std::string& id : report.coverage.rules) {
    if (fires.count(id) == 0) report.coverage.never_fires.push_back(id);
    if (quiet.count(id) == 0) report.coverage.never_quiet.push_back(id);
  }

  // One policy per set of parameters (--param, then the case's).
  std::map<std::map<std::string, std::string>, Policy> policies;
  Diagnostics warnings = loaded.diagnostics();
  for (const Case& k : loader.cases()) {
    if (!options.filter.empty() &&
        k.name.find(options.filter) == std::string::npos) {
      continue;
    }
    PackTestCaseResult result;
    result.file = k.file;
    result.name = k.name;
    result.span = k.span;
    const Policy* policy = &base;
    if (!k.params.empty()) {
      std::map<std::string, std::string> params = options.params;
      for (const auto& [name, value] : k.params) params[name] = value;
      auto it = policies.find(params);
      if (it == policies.end()) {
        Result<Policy> p = Policy::Load(dir, sources, params);
        if (!p.ok()) {
          for (const Diagnostic& d : p.diagnostics().items()) {
            if (d.severity == Severity::kError)
              result.failures.push_back({d, {}});
          }
          report.cases.push_back(std::move(result));
          continue;
        }
        it = policies.emplace(params, std::move(p).value()).first;
      }
      policy = &it->second;
    }
    result.failures = RunCase(k, *policy);
    report.cases.push_back(std::move(result));
  }
  return Result<PackTestReport>(std::move(report), std::move(warnings));
}

}  // namespace zhucun
