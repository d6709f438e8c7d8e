// Policy: compiling a pack (rules, lets, message templates, derived tables)
// against its schema and parameters. Checking a FactSet with it is check.cc.

#include "zhucun/engine.h"

#include <algorithm>
#include <charconv>
#include <string>
#include <utility>
#include <vector>

#include "engine/exceptions.h"
#include "engine/policy_impl.h"
#include "expr/program.h"
#include "plan/rule_plan.h"
#include "rules/kinds.h"
#include "syntax/lexer.h"
#include "rules/pack.h"
#include "rules/param_convert.h"
#include "source/quote.h"
#include "zhucun/expr.h"
#include "zhucun/records.h"

namespace zhucun {
namespace internal {

std::shared_ptr<const RecordSet> RecordsFor(const PolicyImpl& p,
                                            const std::shared_ptr<const FactSet>& facts) {
  const std::lock_guard<std::mutex> lock(p.records_mutex);
  std::shared_ptr<const RecordSet> records = p.last_records.lock();
  if (records == nullptr || &records->facts() != facts.get()) {
    records = RecordSet::Make(facts, *p.types);
    p.last_records = records;
  }
  return records;
}

std::string Text(const Value& v) {
  switch (v.kind()) {
    case ValueKind::kNull: return "";
    case ValueKind::kString: return v.string_value();
    case ValueKind::kBool: return v.bool_value() ? "true" : "false";
    case ValueKind::kInt: return std::to_string(v.int_value());
    case ValueKind::kUint: return std::to_string(v.uint_value());
    case ValueKind::kDecimal: return v.decimal_value().ToString();
    case ValueKind::kDate: return v.date_value().ToString();
    case ValueKind::kPeriod: return v.period_value().label();
    case ValueKind::kRecord: return v.record_source().RowName(v.record_row());
    default: return v.DebugString();
  }
}

// Appends Text(c.Get(i)) to *out (without making the value).
void AppendText(const PlannedColumn& c, size_t i, std::string* out) {
  if (c.state[i] != PlannedColumn::kValue) return;  // (null: "")
  switch (c.kind) {
    case ValueKind::kString: *out += c.Text(i); return;
    case ValueKind::kInt: {
      char digits[24];
      const auto [end, error] = std::to_chars(digits, digits + sizeof digits, c.ints[i]);
      out->append(digits, end);
      return;
    }
    case ValueKind::kDecimal: *out += c.DecimalAt(i).ToString(); return;
    default: *out += Text(c.Get(i)); return;
  }
}

std::string CollapseSpace(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

namespace {

// Whether, by CEL's own lexer, no token of `raw` (a string, a quoted field
// name) holds a line break and no `//` comment is there: then YAML's folding
// of its lines cannot change what it means as CEL.
// Whether `text` has a character or literal the lexer cannot read.
bool LexFails(std::string_view text) {
  Diagnostics diags;
  Lex(text, kNoFile, 0, &diags);
  return diags.has_errors();
}

bool BreaksAreBetweenTokens(std::string_view raw) {
  Diagnostics diags;
  const std::vector<Token> tokens = Lex(raw, kNoFile, 0, &diags);
  if (diags.has_errors()) return false;
  uint32_t gap = 0;
  for (const Token& t : tokens) {
    const std::string_view between = raw.substr(gap, t.span.begin - gap);
    const std::string_view inside = raw.substr(t.span.begin, t.span.end - t.span.begin);
    if (between.find("//") != std::string_view::npos ||
        inside.find_first_of("\r\n") != std::string_view::npos) {
      return false;
    }
    gap = t.span.end;
  }
  return raw.substr(gap).find("//") == std::string_view::npos;
}

}  // namespace

namespace {

// What marks where a mistake inside a pack function is used (in `help`;
// MergeFunctionMistakes gathers them).
constexpr std::string_view kUsedAt = "used at ";

// A mistake found inside a pack function (in a file the pack had before
// `e` was compiled — not a text compiling it made — and outside `e`) says
// where it is used: `e`'s position.
Result<Program> MarkUses(Result<Program> compiled, const ExprText& e,
                         const SourceManager& sources, size_t files_before) {
  if (compiled.diagnostics().empty() || e.span.file == kNoFile) return compiled;
  Diagnostics marked;
  for (Diagnostic d : compiled.diagnostics().items()) {
    const bool inside = (d.span.file == e.span.file || d.span.file == e.file) &&
                        d.span.begin >= std::min(e.span.begin, e.offset) &&
                        d.span.begin <= std::max({e.span.end, e.raw_end,
                                                  e.offset + static_cast<uint32_t>(
                                                                 e.text.size())});
    if (d.span.file != kNoFile && d.span.file < files_before && !inside) {
      const LineColumn lc = sources.Locate(e.span.file, e.span.begin);
      d.help += (d.help.empty() ? "" : "; ") + std::string(kUsedAt) +
                sources.name(e.span.file) + ":" + std::to_string(lc.line) + ":" +
                std::to_string(lc.column);
    }
    marked.Add(std::move(d));
  }
  if (compiled.ok()) return Result<Program>(std::move(compiled).value(), std::move(marked));
  return Result<Program>(std::move(marked));
}

Result<Program> CompileUnmarked(const Env& env, const ExprText& e, SourceManager& sources,
                                const std::string& what, const CompileOptions& limits);

}  // namespace

Result<Program> CompileText(const Env& env, const ExprText& e, SourceManager& sources,
                            const std::string& what, const CompileOptions& limits) {
  const size_t files_before = sources.size();
  return MarkUses(CompileUnmarked(env, e, sources, what, limits), e, sources, files_before);
}

// One mistake inside a pack function, reported by every expression that
// calls it, is one diagnostic: the uses are listed in its help.
Diagnostics MergeFunctionMistakes(const Diagnostics& diags) {
  Diagnostics out;
  std::vector<Diagnostic> kept;
  std::vector<std::vector<std::string>> uses;
  for (const Diagnostic& d : diags.items()) {
    const size_t at = d.help.rfind(kUsedAt);
    if (at == std::string::npos || (at != 0 && d.help.compare(at - 2, 2, "; ") != 0)) {
      kept.push_back(d);
      uses.emplace_back();
      continue;
    }
    Diagnostic base = d;
    base.help = d.help.substr(0, at == 0 ? 0 : at - 2);
    const std::string use = d.help.substr(at + kUsedAt.size());
    size_t k = 0;
    for (; k < kept.size(); ++k) {
      const Diagnostic& o = kept[k];
      if (!uses[k].empty() && o.code == base.code && o.message == base.message &&
          o.span.file == base.span.file && o.span.begin == base.span.begin &&
          o.span.end == base.span.end && o.help == base.help) {
        break;
      }
    }
    if (k == kept.size()) {
      kept.push_back(std::move(base));
      uses.emplace_back();
    }
    if (std::find(uses[k].begin(), uses[k].end(), use) == uses[k].end()) uses[k].push_back(use);
  }
  for (size_t k = 0; k < kept.size(); ++k) {
    Diagnostic d = std::move(kept[k]);
    if (!uses[k].empty()) {
      std::string list;
      for (size_t i = 0; i < uses[k].size(); ++i) {
        list += (i == 0 ? "" : i + 1 == uses[k].size() ? " and " : ", ") + uses[k][i];
      }
      d.help += (d.help.empty() ? "" : "; ") + std::string(kUsedAt) + list;
    }
    out.Add(std::move(d));
  }
  return out;
}

namespace {

Result<Program> CompileUnmarked(const Env& env, const ExprText& e, SourceManager& sources,
                                const std::string& what, const CompileOptions& limits) {
  if (e.exact) return env.CompileAt(e.text, e.file, e.offset, sources, limits);
  // A block (`>-`, `|`) or multi-line scalar: the file's own lines read the
  // same as the folded value, so compile them and errors point into the file.
  if (e.file != kNoFile && e.raw_end > e.offset) {
    const std::string_view file_text = sources.text(e.file);
    if (e.raw_end <= file_text.size()) {
      const std::string_view raw = file_text.substr(e.offset, e.raw_end - e.offset);
      // Also when neither text lexes (a full-width `＞`, a quote left
      // open): it fails either way, and the file's lines say where.
      if (CollapseSpace(raw) == CollapseSpace(e.text) &&
          (BreaksAreBetweenTokens(raw) || (LexFails(e.text) && LexFails(raw)))) {
        return env.CompileAt(raw, e.file, e.offset, sources, limits);
      }
    }
  }
  const LineColumn lc = sources.Locate(e.span.file, e.span.begin);
  return env.Compile(e.text, sources,
                     sources.name(e.span.file) + ":" + std::to_string(lc.line) +
                         " (" + what + ")",
                     limits);
}

}  // namespace

std::optional<Date> WindowStart(const PolicyImpl& p, const CheckOptions& options,
                                Diagnostics* diags) {
  if (options.from) return options.from;
  const Value* ws = p.params.Find(std::string_view("window_start"));
  if (ws == nullptr || ws->kind() != ValueKind::kDate) {
    diags->Error("engine.no_window_start",
                 "no --from given and the pack has no `window_start` date "
                 "parameter",
                 SourceSpan{});
    return std::nullopt;
  }
  return ws->date_value();
}

Activation BaseActivation(const PolicyImpl& p, const RecordSet& records,
                          Date from, Date as_of, std::optional<Date> day,
                          const std::optional<std::set<std::string>>* tables_read) {
  const std::optional<std::set<std::string>>& read =
      tables_read != nullptr ? *tables_read : p.facts_read;
  Activation base;
  base.Bind("as_of", Value::FromDate(as_of));
  base.Bind("from", Value::FromDate(from));
  base.Bind("params", Value::Map(ParamsOn(p, day.value_or(as_of))));
  // The tables as lists of records, made the first time an evaluation reads
  // `facts` (the row evaluator; a planned rule reads the columns): at
  // scale 150 `facts.assessments` alone is 2.7 million records.
  std::vector<std::string> names;
  for (const TableSchema& t : p.pack.schema.tables) {
    if (read && read->count(t.name) == 0) continue;  // never read
    names.push_back(t.name);
  }
  base.BindOnce("facts", [records = records.shared_from_this(), names = std::move(names)] {
    ValueMap tables;
    for (const std::string& name : names) tables.Insert(Value::String(name), records->Rows(name));
    return Value::Map(std::move(tables));
  });
  return base;
}

}  // namespace internal

namespace {

using internal::CompiledDerived;
using internal::CompiledRule;
using internal::ExprText;
using internal::MessagePart;
using internal::PolicyImpl;
using internal::Quote;
using internal::Text;


// Adds to *tables those `program` reads as `facts.<table>`; sets *all when
// it reads `facts` in any other way (`facts[name]`, `facts.size()`...).
void ScanFactsRead(const Program& program, std::set<std::string>* tables, bool* all) {
  const internal::ProgramImpl& impl = internal::ImplOf(program);
  std::vector<bool> selected(impl.ast.nodes.size(), false);
  for (size_t id = 0; id < impl.ast.nodes.size(); ++id) {
    const internal::Node& n = impl.ast.nodes[id];
    if (n.kind != internal::ExprKind::kSelect || n.test_only || n.target == internal::kNoExpr) {
      continue;
    }
    const internal::Node& t = impl.ast.node(n.target);
    if (t.kind == internal::ExprKind::kIdent && t.name == "facts" &&
        impl.local_slots[n.target] < 0) {
      selected[n.target] = true;
      tables->insert(n.name);
    }
  }
  for (size_t id = 0; id < impl.ast.nodes.size(); ++id) {
    const internal::Node& n = impl.ast.nodes[id];
    if (n.kind == internal::ExprKind::kIdent && n.name == "facts" &&
        impl.local_slots[id] < 0 && !selected[id]) {
      *all = true;
    }
  }
}

// The tables the rule's expressions (the functions inlined) read as
// `facts.<table>`; nullopt if one reads `facts` in any other way.
std::optional<std::set<std::string>> FactsRead(const CompiledRule& r) {
  std::set<std::string> tables;
  bool all = false;
  const auto scan = [&](const Program& program) { ScanFactsRead(program, &tables, &all); };
  if (r.periods) scan(*r.periods);
  if (r.when) scan(*r.when);
  for (const auto& let : r.lets) scan(let.second);
  for (const auto& c : r.conditions) scan(c.second);
  ForEachMessageHole(r, scan);
  if (all) return std::nullopt;
  return tables;
}

// The same for every expression of the pack.
std::optional<std::set<std::string>> FactsRead(const PolicyImpl& p) {
  std::set<std::string> tables;
  bool all = false;
  const auto scan = [&](const Program& program) { ScanFactsRead(program, &tables, &all); };
  for (const CompiledRule& r : p.rules) {
    if (!r.facts_read) return std::nullopt;
    tables.insert(r.facts_read->begin(), r.facts_read->end());
  }
  for (const CompiledDerived& d : p.derived) {
    for (const auto& let : d.lets) scan(let.second);
    for (const auto& c : d.columns) scan(c.second);
  }
  for (const internal::CompiledSummaryKey& k : p.summary_keys) scan(k.program);
  if (all) return std::nullopt;
  return tables;
}

// Splits "text {expr} text" into parts; `{{` and `}}` are literal braces.
bool ParseTemplate(const ExprText& t, const Env& env, SourceManager& sources,
                   const CompileOptions& limits, std::vector<MessagePart>* parts,
                   Diagnostics* diags) {
  const std::string& s = t.text;
  std::string literal;
  bool ok = true;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '{' && i + 1 < s.size() && s[i + 1] == '{') {
      literal += '{';
      ++i;
      continue;
    }
    if (s[i] == '}' && i + 1 < s.size() && s[i + 1] == '}') {
      literal += '}';
      ++i;
      continue;
    }
    if (s[i] != '{') {
      literal += s[i];
      continue;
    }
    const size_t close = s.find('}', i + 1);
    if (close == std::string::npos) {
      diags->Error("pack.message", "unclosed `{` in the message", t.span,
                   "write `{{` for a literal brace");
      return false;
    }
    if (!literal.empty()) parts->push_back({std::move(literal), std::nullopt});
    literal.clear();
    ExprText hole;
    hole.text = s.substr(i + 1, close - i - 1);
    hole.file = t.file;
    hole.offset = t.offset + static_cast<uint32_t>(i + 1);
    hole.exact = t.exact;
    hole.span = t.span;
    auto program = CompileText(env, hole, sources, "message", limits);
    diags->Append(program.diagnostics());
    if (program.ok()) {
      parts->push_back({"", std::move(program).value()});
    } else {
      ok = false;
    }
    i = close;
  }
  if (!literal.empty()) parts->push_back({std::move(literal), std::nullopt});
  return ok;
}

// Declares what every expression of the pack sees.
Env BaseEnv(const PolicyImpl& p, SourceManager& sources, Diagnostics* diags) {
  Env env;
  env.Declare("as_of", Type::Date());
  env.Declare("from", Type::Date());
  std::vector<std::pair<std::string, Type>> param_fields;
  for (const internal::ParamSpec& ps : p.pack.params) {
    param_fields.emplace_back(ps.name, ps.type);
  }
  env.Declare("params", Type::Object(ObjectType::Make("params", param_fields)));
  std::vector<std::pair<std::string, Type>> tables;
  for (const TableSchema& t : p.pack.schema.tables) {
    tables.emplace_back(t.name, Type::List(p.types->TypeOf(t.name)));
  }
  env.Declare("facts", Type::Object(ObjectType::Make("facts", tables)));
  for (const internal::FunctionSpec& f : p.pack.functions) {
    diags->Append(env.DefineFunction(f.name, f.params, f.body.text,
                                     f.body.exact ? f.body.file : kNoFile,
                                     f.body.offset, sources, p.limits));
  }
  return env;
}

// Compiles `lets` in order into `env` (each declared for the ones after).
bool CompileLets(const std::vector<internal::LetSpec>& lets, Env* env,
                 SourceManager& sources, const CompileOptions& limits,
                 std::vector<std::pair<std::string, Program>>* out,
                 Diagnostics* diags) {
  bool ok = true;
  for (const internal::LetSpec& let : lets) {
    auto program = CompileText(*env, let.expr, sources, let.name, limits);
    diags->Append(program.diagnostics());
    if (!program.ok()) {
      ok = false;
      env->Declare(let.name, Type::Dyn());
      continue;
    }
    env->Declare(let.name, program.value().result_type());
    out->emplace_back(let.name, std::move(program).value());
  }
  return ok;
}

}  // namespace

namespace {

// A parameter value given to Policy::Load: YAML text (`--param NAME=VALUE`)
// or a caller's ParamValue; either is read as YAML and converted by the
// converter of pack defaults (rules/param_convert.h).
struct GivenParam {
  const std::string* text = nullptr;
  const ParamValue* value = nullptr;
};

// Nested deeper than this, a ParamValue is refused as a YAML file would be.
constexpr size_t kMaxParamDepth = 64;

// A ParamValue as a YAML node (positions unset); false if nested too deep.
bool ToYamlNode(const ParamValue& v, size_t depth, internal::YamlNode* out) {
  using Kind = internal::YamlNode::Kind;
  if (depth > kMaxParamDepth) return false;
  switch (v.kind) {
    case ParamValue::Kind::kNull:
      out->kind = Kind::kNull;
      return true;
    case ParamValue::Kind::kScalar:
      out->kind = Kind::kScalar;
      out->value = v.text;
      return true;
    case ParamValue::Kind::kList:
    case ParamValue::Kind::kMap:
      out->kind = v.kind == ParamValue::Kind::kList ? Kind::kList : Kind::kMap;
      for (const ParamValue& item : v.items) {
        if (!ToYamlNode(item, depth + 1, &out->items.emplace_back())) {
          return false;
        }
      }
      // A map's key without a value.
      if (out->kind == Kind::kMap && out->items.size() % 2 != 0) {
        out->items.emplace_back();
      }
      return true;
  }
  return false;
}

// The value of parameter `ps` given as `given`, converted to its type; false
// after an `engine.bad_param` error in *diags.
bool GivenValue(const internal::ParamSpec& ps, const GivenParam& given,
                SourceManager& sources, Value* out, Diagnostics* diags) {
  const std::string whole = "parameter " + Quote(ps.name);
  std::string text;
  std::string file_name = "--param " + ps.name;
  if (given.value != nullptr) {
    // Written out as flow YAML and read back, as a `--param` text is.
    internal::YamlNode node;
    if (!ToYamlNode(*given.value, 0, &node)) {
      diags->Error("engine.bad_param",
                   "the value of " + whole + " is nested more than " +
                       std::to_string(kMaxParamDepth) + " levels deep",
                   SourceSpan{});
      return false;
    }
    text = internal::FlowYaml(node);
    file_name = "param " + ps.name;
  } else {
    text = *given.text;
  }
  FileId file = kNoFile;
  internal::YamlNode node;
  if (!internal::ReadParamText(text, file_name, sources, "engine.bad_param",
                               &file, &node, diags)) {
    return false;
  }
  internal::YamlChecker c(sources, file, "engine");
  const bool ok = internal::ConvertParamValue(c, "engine.bad_param", node,
                                              ps.type, whole, out);
  diags->Append(c.diagnostics());
  return ok;
}

}  // namespace

std::string ParamValueYaml(const ParamValue& v) {
  internal::YamlNode node;
  if (!ToYamlNode(v, 0, &node)) return "";
  return internal::FlowYaml(node);
}

namespace {

// Compiles a pack read by LoadPack with the given parameter values; null
// (with the errors in *out, after those already there) when anything is
// wrong.
std::shared_ptr<PolicyImpl> CompilePack(internal::PackSpec pack, SourceManager& sources,
                                        const std::map<std::string, GivenParam>& params,
                                        const CompileOptions& limits, Diagnostics* out) {
  Diagnostics diags = std::move(*out);
  auto p = std::make_shared<PolicyImpl>();
  p->pack = std::move(pack);
  p->limits = limits;
  p->types = std::make_unique<RecordTypes>(p->pack.schema);
  internal::CheckExceptions(p->pack, &diags);
  for (const internal::ParamSpec& ps : p->pack.params) {
    Value v = ps.value;
    auto it = params.find(ps.name);
    if (it != params.end() &&
        !GivenValue(ps, it->second, sources, &v, &diags)) {
      continue;
    }
    // A value given by the caller replaces the history too.
    if (!ps.history.empty() && it == params.end()) p->history[ps.name] = ps.history;
    p->params.Insert(Value::String(ps.name), v);
  }
  for (const auto& [name, value] : params) {
    bool known = false;
    std::vector<std::string> names;
    for (const internal::ParamSpec& ps : p->pack.params) {
      known = known || ps.name == name;
      names.push_back(ps.name);
    }
    if (!known) {
      std::string best = ClosestMatch(name, names);
      diags.Error("engine.unknown_param", "unknown parameter " + Quote(name),
                  SourceSpan{}, best.empty() ? "" : "did you mean " + Quote(best) + "?");
    }
  }
  const Env base = BaseEnv(*p, sources, &diags);
  for (const internal::RuleSpec& rs : p->pack.rules) {
    CompiledRule rule;
    rule.spec = rs;
    Env env = base;
    const internal::SubjectSpec& subject = rs.subject;
    if (subject.kind == internal::SubjectSpec::Kind::kTable) {
      env.Declare(subject.as, p->types->TypeOf(subject.table));
    } else if (subject.kind == internal::SubjectSpec::Kind::kGroup) {
      env.Declare(subject.as, Type::List(p->types->TypeOf(subject.table)));
    }
    if (rs.periods.present()) {
      auto program = CompileText(env, rs.periods, sources, "periods", p->limits);
      diags.Append(program.diagnostics());
      if (program.ok()) rule.periods = std::move(program).value();
    }
    if (rs.period || rs.periods.present()) env.Declare("period", Type::Period());
    CompileLets(rs.lets, &env, sources, p->limits, &rule.lets, &diags);
    // A let that reads neither `period` nor such a let has one value per
    // subject.
    for (const auto& [name, program] : rule.lets) {
      bool per_period = program.Reads("period");
      for (size_t j = 0; j < rule.let_per_period.size() && !per_period; ++j) {
        per_period = rule.let_per_period[j] && program.Reads(rule.lets[j].first);
      }
      rule.let_per_period.push_back(per_period);
    }
    if (rs.when.present()) {
      auto program = CompileText(env, rs.when, sources, "when", p->limits);
      diags.Append(program.diagnostics());
      if (program.ok()) {
        const TypeKind k = program.value().result_type().kind();
        if (k != TypeKind::kBool && k != TypeKind::kDyn) {
          diags.Error("engine.when_not_bool",
                      "`when` must be true or false, but it is a " +
                          program.value().result_type().ToString(),
                      rs.when.span);
        } else {
          rule.when = std::move(program).value();
        }
      }
    }
    if (rs.message.present()) {
      ParseTemplate(rs.message, env, sources, p->limits, &rule.message, &diags);
    }
    // (The first of `messages` is `message`, the default.)
    for (size_t i = 1; i < rs.messages.size(); ++i) {
      auto& [lang, parts] = rule.other_messages.emplace_back(rs.messages[i].first,
                                                             std::vector<MessagePart>{});
      ParseTemplate(rs.messages[i].second, env, sources, p->limits, &parts, &diags);
    }
    // For Explain (explain.cc).
    if (rule.when) internal::CompileConditions(env, rs.when, p->limits, &rule);
    p->rules.push_back(std::move(rule));
  }
  for (const internal::DerivedSpec& ds : p->pack.derived) {
    CompiledDerived d;
    d.spec = ds;
    Env env = base;
    env.Declare(ds.as, p->types->TypeOf(ds.from));
    CompileLets(ds.lets, &env, sources, p->limits, &d.lets, &diags);
    for (const auto& [name, expr] : ds.columns) {
      auto program = CompileText(env, expr, sources, name, p->limits);
      diags.Append(program.diagnostics());
      if (program.ok()) d.columns.emplace_back(name, std::move(program).value());
    }
    p->derived.push_back(std::move(d));
  }
  // `summary:` of pack.yaml (explain.cc).
  internal::CompileSummary(base, p.get(), sources, &diags);
  for (CompiledRule& r : p->rules) r.facts_read = FactsRead(r);
  p->facts_read = FactsRead(*p);
  diags = internal::MapPasted(p->pack, internal::MergeFunctionMistakes(diags));
  *out = std::move(diags);
  if (out->has_errors()) return nullptr;
  return p;
}

// Whether a mistake found compiling a pack that has structural mistakes may
// come from them: a rule, parameter, function or table with a mistake is
// left out of what is compiled, so a name it would have defined is unknown.
bool MayComeFromBrokenPieces(const Diagnostic& d) {
  return d.code.find("unknown") != std::string::npos ||
         d.code.find("undeclared") != std::string::npos;
}

// Loads and compiles the pack with the given parameter values; null (with
// the errors in *out) when anything is wrong. When the pack's files have
// structural mistakes (a misspelled key, a missing `severity`), the
// expressions of what could be read are compiled too, so that one run
// reports every mistake, but for those of unknown names, which a broken
// piece may have caused.
std::shared_ptr<PolicyImpl> LoadImpl(
    const std::string& dir, SourceManager& sources,
    const std::map<std::string, GivenParam>& params, const CompileOptions& limits,
    Diagnostics* out) {
  std::optional<internal::PackSpec> partial;
  Result<internal::PackSpec> pack = internal::LoadPack(dir, sources, &partial);
  *out = pack.diagnostics();
  if (pack.ok()) return CompilePack(std::move(pack).value(), sources, params, limits, out);
  if (partial) {
    Diagnostics compiled;
    CompilePack(std::move(*partial), sources, params, limits, &compiled);
    for (const Diagnostic& d : compiled.items()) {
      if (d.severity == Severity::kError && !MayComeFromBrokenPieces(d)) out->Add(d);
    }
  }
  return nullptr;
}

}  // namespace

Result<Policy> Policy::Load(const std::string& dir, SourceManager& sources,
                            const std::map<std::string, std::string>& params) {
  return Load(dir, sources, params, CompileOptions{});
}

Result<Policy> Policy::Load(const std::string& dir, SourceManager& sources,
                            const std::map<std::string, ParamValue>& params) {
  std::map<std::string, GivenParam> given;
  for (const auto& [name, value] : params) given[name].value = &value;
  Diagnostics diags;
  std::shared_ptr<PolicyImpl> p = LoadImpl(dir, sources, given, CompileOptions{}, &diags);
  if (p == nullptr) return Result<Policy>(std::move(diags));
  return Result<Policy>(Policy(std::move(p)), std::move(diags));
}

Result<Policy> Policy::Load(const std::string& dir, SourceManager& sources,
                            const std::map<std::string, std::string>& params,
                            const CompileOptions& limits) {
  std::map<std::string, GivenParam> given;
  for (const auto& [name, text] : params) given[name].text = &text;
  Diagnostics diags;
  std::shared_ptr<PolicyImpl> p = LoadImpl(dir, sources, given, limits, &diags);
  if (p == nullptr) return Result<Policy>(std::move(diags));
  return Result<Policy>(Policy(std::move(p)), std::move(diags));
}

const Schema& Policy::schema() const { return impl_->pack.schema; }

std::vector<std::string> Policy::rule_ids() const {
  std::vector<std::string> ids;
  for (const CompiledRule& r : impl_->rules) ids.push_back(r.spec.id);
  return ids;
}

}  // namespace zhucun
