// Explanations (Policy::Explain): why a rule fired, or did not, for one
// subject and period — the rule's clause, the subject's row, each `let` and
// each top-level condition of `when` with its value. (The pack's summary
// groups, Policy::SummaryGroups, are in summary_groups.cc.)

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/decisions.h"
#include "engine/exceptions.h"
#include "engine/policy_impl.h"
#include "engine/subject_finder.h"
#include "rules/pack.h"
#include "source/quote.h"
#include "syntax/ast.h"
#include "syntax/lexer.h"
#include "syntax/parser.h"
#include "zhucun/diagnostic.h"
#include "zhucun/engine.h"
#include "zhucun/expr.h"
#include "zhucun/records.h"

namespace zhucun {
namespace internal {
namespace {

// Most list or map elements shown in a value.
constexpr size_t kShownElements = 8;

// The spans of the top-level operands of `&&` in `text`, or none if the
// expression is not a conjunction. With `&&` at the root, every `&&`
// outside brackets separates two of them (the operators of lower
// precedence, `||` and `?:`, would be at the root otherwise).
std::vector<std::pair<uint32_t, uint32_t>> Conjuncts(std::string_view text) {
  Diagnostics ignored;
  Ast ast;
  if (!Parse(text, kNoFile, 0, ParseOptions{}, &ast, &ignored) ||
      ast.root == kNoExpr) {
    return {};
  }
  const Node& root = ast.node(ast.root);
  if (root.kind != ExprKind::kCall || root.name != "_&&_") return {};
  const std::vector<Token> tokens = Lex(text, kNoFile, 0, &ignored);
  std::vector<std::pair<uint32_t, uint32_t>> parts;
  int depth = 0;
  size_t first = 0;
  for (size_t i = 0; i < tokens.size(); ++i) {
    switch (tokens[i].kind) {
      case TokenKind::kLParen:
      case TokenKind::kLBracket:
      case TokenKind::kLBrace:
        ++depth;
        break;
      case TokenKind::kRParen:
      case TokenKind::kRBracket:
      case TokenKind::kRBrace:
        --depth;
        break;
      case TokenKind::kAnd:
      case TokenKind::kEnd:
        if (depth != 0 && tokens[i].kind == TokenKind::kAnd) break;
        if (i == first) return {};
        parts.emplace_back(tokens[first].span.begin, tokens[i - 1].span.end);
        first = i + 1;
        break;
      default:
        break;
    }
  }
  if (parts.size() < 2) return {};
  return parts;
}

// A value as the explanation shows it: CEL-like, strings quoted, rows by
// name, long lists cut.
std::string Show(const Value& v) {
  switch (v.kind()) {
    case ValueKind::kNull:
      return "null";
    case ValueKind::kString:
      return "\"" + v.string_value() + "\"";
    case ValueKind::kError:
      return "error: " + v.error_message();
    case ValueKind::kList: {
      const ValueList& items = v.list_value();
      std::string out = "[";
      for (size_t i = 0; i < items.size() && i < kShownElements; ++i) {
        if (i > 0) out += ", ";
        out += Show(items[i]);
      }
      if (items.size() > kShownElements) {
        out += ", … (" + std::to_string(items.size()) + " in all)";
      }
      return out + "]";
    }
    case ValueKind::kMap: {
      const auto& entries = v.map_value().entries();
      std::string out = "{";
      for (size_t i = 0; i < entries.size() && i < kShownElements; ++i) {
        if (i > 0) out += ", ";
        out += Show(entries[i].first) + ": " + Show(entries[i].second);
      }
      if (entries.size() > kShownElements) {
        out += ", … (" + std::to_string(entries.size()) + " in all)";
      }
      return out + "}";
    }
    default:
      return Text(v);
  }
}

// `a`, `b`, `c` or `a`, `b` … `z`: a list of names, its middle cut.
std::string ShortList(const std::vector<std::string>& names) {
  std::string out;
  const auto add = [&](const std::string& s) {
    out += (out.empty() ? "" : ", ") + Quote(s);
  };
  if (names.size() <= 6) {
    for (const std::string& n : names) add(n);
    return out;
  }
  for (size_t i = 0; i < 3; ++i) add(names[i]);
  return out + " … " + Quote(names.back());
}

// "quarter" -> "quarters".
std::string Plural(PeriodKind kind) {
  return std::string(PeriodKindName(kind)) + "s";
}

}  // namespace

void CompileConditions(const Env& env, const ExprText& when, const CompileOptions& limits,
                       CompiledRule* rule) {
  rule->conditions.clear();
  SourceManager unused;
  for (const auto& [begin, end] : Conjuncts(when.text)) {
    const std::string_view text =
        std::string_view(when.text).substr(begin, end - begin);
    auto program = env.CompileAt(text, kNoFile, 0, unused, limits);
    if (!program.ok()) {
      rule->conditions.clear();
      return;
    }
    rule->conditions.emplace_back(CollapseSpace(text), std::move(program).value());
  }
}

void CompileSummary(const Env& base, PolicyImpl* p, SourceManager& sources,
                    Diagnostics* diags) {
  if (!p->pack.summary) return;
  for (const SummaryKeySpec& k : p->pack.summary->keys) {
    // An unknown table is reported by the loader.
    if (p->pack.schema.FindTable(k.table) == nullptr) continue;
    Env env = base;
    env.Declare(k.as, p->types->TypeOf(k.table));
    auto program = CompileText(env, k.expr, sources, "summary key", p->limits);
    diags->Append(program.diagnostics());
    if (!program.ok()) continue;
    const Type& type = program.value().result_type();
    if (type.kind() == TypeKind::kList || type.kind() == TypeKind::kMap) {
      diags->Error(
          "engine.summary_key_type",
          "the summary key of " + Quote(k.table) +
              " must be a single value, but it is a " + type.ToString(),
          k.expr.span, "the key gives each row one group, such as a county id");
      continue;
    }
    p->summary_keys.push_back({k.table, std::move(program).value()});
  }
}

}  // namespace internal

using internal::CompiledRule;
using internal::PolicyImpl;
using internal::Quote;
using internal::Text;

Result<Explanation> Policy::Explain(const std::shared_ptr<const FactSet>& facts,
                                    const CheckOptions& options,
                                    const std::string& rule_id,
                                    const std::string& subject,
                                    const std::string& period) const {
  const PolicyImpl& p = *impl_;
  Diagnostics diags;
  Explanation e;
  e.rule = rule_id;
  e.subject = subject;
  e.period = period;

  // Rows left out in lenient mode are findings of `input.invalid` (DATA.md).
  if (rule_id == "input.invalid") {
    for (const RejectedRow& r : facts->rejected()) {
      if (r.table + ":" + std::to_string(r.line) != subject) continue;
      if (!period.empty()) break;
      e.title = "invalid input row";
      e.severity = "error";
      e.source = "DATA.md, Bad input";
      e.fired = true;
      e.message = r.reason;
      return Result<Explanation>(std::move(e));
    }
    if (!period.empty()) {
      diags.Error("engine.unknown_period",
                  "rule `input.invalid` has no periods, but " + Quote(period) +
                      " was given",
                  SourceSpan{}, "leave the period out");
    } else {
      diags.Error("engine.unknown_subject",
                  "unknown subject " + Quote(subject) +
                      ": no row of that table and line was left out",
                  SourceSpan{},
                  "`input.invalid` subjects are `<table>:<line>` of rows "
                  "rejected in lenient mode");
    }
    return Result<Explanation>(std::move(diags));
  }

  // An exception record's own findings (exceptions.h), when the pack has
  // exception records.
  if (internal::IsExceptionRule(p.pack, rule_id)) {
    std::shared_ptr<const RecordSet> records = internal::RecordsFor(p, facts);
    const internal::ExceptionRecords exceptions(p, *records, options.as_of);
    e.title = "exception record";
    e.source = "docs/rules.md, Exceptions";
    e.severity = rule_id == p.pack.exception_ids.not_in_force ? "warning" : "error";
    std::vector<Finding> candidates = exceptions.problems();
    if (rule_id == p.pack.exception_ids.not_in_force) {
      if (const auto names = exceptions.Names(subject)) {
        Result<Explanation> target =
            Explain(facts, options, names->first, names->second, period);
        if (target.ok() && target.value().fired) {
          const Explanation& t = target.value();
          candidates = exceptions.NotesOn({t.rule, t.subject, t.period, t.severity, t.message});
        }
      }
    }
    for (const Finding& f : candidates) {
      if (f.rule != rule_id || f.subject != subject || f.period != period) continue;
      e.fired = true;
      e.message = f.message;
    }
    return Result<Explanation>(std::move(e));
  }

  const CompiledRule* rule = nullptr;
  std::vector<std::string> ids;
  for (const CompiledRule& r : p.rules) {
    ids.push_back(r.spec.id);
    if (r.spec.id == rule_id) rule = &r;
  }
  if (rule == nullptr) {
    const std::string best = ClosestMatch(rule_id, ids);
    diags.Error("engine.unknown_rule", "unknown rule " + Quote(rule_id),
                SourceSpan{},
                best.empty() ? "" : "did you mean " + Quote(best) + "?");
    return Result<Explanation>(std::move(diags));
  }
  e.title = internal::TitleIn(rule->spec, options.lang);
  e.severity = rule->spec.severity;
  e.source = rule->spec.source;

  std::shared_ptr<const RecordSet> records = internal::RecordsFor(p, facts);
  const std::optional<Date> from = internal::WindowStart(p, options, &diags);
  if (!from) return Result<Explanation>(std::move(diags));
  // (Only the tables the rule reads: listing a table's records costs more
  // than explaining most decisions.)
  Activation act =
      internal::BaseActivation(p, *records, *from, options.as_of, std::nullopt, &rule->facts_read);

  internal::SubjectFinder subjects(p, *records);
  std::optional<internal::FoundSubject> found =
      subjects.Find(*rule, subject, &diags);
  if (!found) return Result<Explanation>(std::move(diags));
  const internal::SubjectSpec& s = rule->spec.subject;
  if (s.kind != internal::SubjectSpec::Kind::kPrefecture) {
    act.Bind(s.as, found->bound);
    const FactTable& table = *facts->table(found->table);
    for (uint32_t r : found->rows) {
      Explanation::Row row;
      row.name = records->Row(found->table, r).record_source().RowName(r);
      for (size_t c = 0; c < table.schema().columns.size(); ++c) {
        row.cells.push_back(
            {table.schema().columns[c].name, Text(table.column(c).Get(r))});
      }
      e.rows.push_back(std::move(row));
    }
  }

  const auto fail = [&](const std::string& message) {
    diags.Error("engine.eval_error",
                "rule " + Quote(rule_id) + " on " + Quote(subject) +
                    (period.empty() ? "" : " in " + Quote(period)) + ": " +
                    message,
                rule->spec.span);
    return Result<Explanation>(std::move(diags));
  };

  // The period.
  const bool has_periods = rule->spec.period || rule->periods;
  if (!has_periods && !period.empty()) {
    diags.Error("engine.unknown_period",
                "rule " + Quote(rule_id) + " has no periods, but " +
                    Quote(period) + " was given",
                SourceSpan{}, "leave the period out");
    return Result<Explanation>(std::move(diags));
  }
  if (has_periods) {
    std::string error;
    const std::optional<std::vector<Period>> periods =
        internal::PeriodsOf(*rule, act, *from, options.as_of, &error);
    if (!periods) return fail(error);
    std::vector<std::string> labels;
    for (const Period& q : *periods) labels.push_back(q.label());
    if (rule->periods) {
      std::string shown;
      for (const std::string& l : labels)
        shown += (shown.empty() ? "" : ", ") + l;
      e.periods = Explanation::Item{internal::CollapseSpace(rule->spec.periods.text),
                                    "[" + shown + "]"};
    }
    std::string help;
    if (rule->spec.period && !rule->periods) {
      help = "it judges the " + internal::Plural(*rule->spec.period) +
             " wholly inside [" + from->ToString() + ", " +
             options.as_of.ToString() + "]" +
             (labels.empty() ? ", and there are none"
                             : ": " + internal::ShortList(labels));
    } else {
      help = labels.empty() ? "it judges no period for " + Quote(subject)
                            : "its periods for " + Quote(subject) + " are " +
                                  internal::ShortList(labels);
    }
    const std::optional<Period> parsed = Period::Parse(period);
    if (period.empty()) {
      diags.Error("engine.unknown_period",
                  "rule " + Quote(rule_id) +
                      " is judged per period, but no period was given",
                  SourceSpan{}, help);
      return Result<Explanation>(std::move(diags));
    }
    if (!parsed) {
      diags.Error("engine.unknown_period", Quote(period) + " is not a period",
                  SourceSpan{},
                  "write a year `2023`, a half `2023-H1`, a quarter "
                  "`2023-Q3` or a month `2023-07`");
      return Result<Explanation>(std::move(diags));
    }
    if (std::find(periods->begin(), periods->end(), *parsed) ==
        periods->end()) {
      diags.Error("engine.unknown_period",
                  "rule " + Quote(rule_id) + " does not judge " +
                      Quote(subject) + " in " + Quote(period),
                  SourceSpan{}, help);
      return Result<Explanation>(std::move(diags));
    }
    act.Bind("period", Value::FromPeriod(*parsed));
  }

  // Effective dating (effective.cc): a period is judged with the rule and
  // the parameter values in force on its first day; a rule without periods
  // on as_of.
  const Date day = has_periods ? Period::Parse(period)->start() : options.as_of;
  if (const std::string why = internal::NotJudgedOn(p, *rule, day); !why.empty()) {
    diags.Error("engine.not_effective",
                "rule " + Quote(rule_id) + " does not judge " + Quote(subject) +
                    (has_periods ? " in " + Quote(period) : std::string()) + ": " + why +
                    (has_periods ? " (a period is judged as on its first day, " +
                                       day.ToString() + ")"
                                 : " (a rule without periods is judged as on as_of, " +
                                       day.ToString() + ")"),
                SourceSpan{});
    return Result<Explanation>(std::move(diags));
  }
  if (day != options.as_of) act.Bind("params", Value::Map(internal::ParamsOn(p, day)));

  // The decision, as the engine makes it.
  // (With what decided each value computed over a list: decisions.h.)
  const auto show = [](const Value& v) { return internal::Show(v); };
  for (const auto& [name, program] : rule->lets) {
    Value v = internal::EvaluateExplained(program, act, show, &e.let_decisions.emplace_back());
    if (v.is_error()) return fail(v.error_message());
    e.lets.push_back({name, internal::Show(v)});
    act.Bind(name, std::move(v));
  }
  if (rule->when) {
    std::vector<Explanation::Decision> decisions;
    const Value fired = rule->conditions.empty()
                            ? internal::EvaluateExplained(*rule->when, act, show, &decisions)
                            : rule->when->Evaluate(act);
    if (fired.is_error()) return fail(fired.error_message());
    if (fired.kind() != ValueKind::kBool) {
      return fail("`when` gave " + fired.DebugString() + ", not true or false");
    }
    e.fired = fired.bool_value();
    if (rule->conditions.empty()) {
      e.conditions.push_back(
          {internal::CollapseSpace(rule->spec.when.text), internal::Show(fired)});
      e.condition_decisions.push_back(std::move(decisions));
    }
    for (const auto& [text, program] : rule->conditions) {
      const Value v = internal::EvaluateExplained(program, act, show,
                                                  &e.condition_decisions.emplace_back());
      e.conditions.push_back({text, internal::Show(v)});
    }
    if (!e.fired) {
      for (size_t i = 0; i < e.conditions.size(); ++i) {
        if (e.conditions[i].value == "false") {
          e.first_false = i;
          break;
        }
      }
    }
  }
  if (e.fired) {
    for (const internal::MessagePart& part : MessageIn(*rule, options.lang)) {
      if (!part.program) {
        e.message += part.text;
        continue;
      }
      Value v = part.program->Evaluate(act);
      e.message += v.is_error() ? "{" + v.error_message() + "}" : Text(v);
    }
    const internal::ExceptionRecords exceptions(p, *records, options.as_of);
    if (std::optional<std::string> id = exceptions.Exempting(
            {e.rule, e.subject, e.period, e.severity, e.message})) {
      e.exempted_by = std::move(*id);
    }
  }
  return Result<Explanation>(std::move(e), std::move(diags));
}

PackInfo Policy::info() const {
  const internal::PackSpec& pack = impl_->pack;
  PackInfo info;
  info.name = pack.name;
  info.version = pack.version;
  info.title = pack.title;
  for (const CompiledRule& r : impl_->rules) {
    PackInfo::Rule& rule = info.rules.emplace_back();
    rule.id = r.spec.id;
    rule.title = r.spec.title;
    rule.kind = r.spec.kind;
    rule.severity = r.spec.severity;
    rule.source = r.spec.source;
    rule.titles = r.spec.titles;
    for (const internal::ParamSpec& ps : pack.params) {
      if (internal::ReadsParam(r, ps.name)) rule.params.push_back(ps.name);
    }
  }
  for (const internal::ParamSpec& ps : pack.params) {
    const Value* value = impl_->params.Find(std::string_view(ps.name));
    std::string text = value != nullptr ? Text(*value) : Text(ps.value);
    // A history: each value from its first day (`1100 from 2021-06-01, ...`).
    if (const auto h = impl_->history.find(ps.name); h != impl_->history.end()) {
      text.clear();
      for (const internal::ParamChange& c : h->second) {
        text += (text.empty() ? "" : ", ") + Text(c.value) + " from " + c.from.ToString();
      }
    }
    info.parameters.push_back({ps.name, ps.type.ToString(), std::move(text), ps.doc,
                               ps.source});
  }
  for (const internal::DerivedSpec& d : pack.derived) {
    info.derived.push_back(d.name);
  }
  info.test_files = pack.test_files;
  info.summary_by = summary_by();
  return info;
}

const std::string& Policy::summary_by() const {
  static const std::string kNone;
  return impl_->pack.summary ? impl_->pack.summary->by : kNone;
}

const std::string& Policy::Label(const std::string& code, std::string_view lang) const {
  const auto& labels = impl_->pack.labels;
  if (const auto in = labels.find(std::string(lang)); in != labels.end()) {
    if (const auto it = in->second.find(code); it != in->second.end()) return it->second;
  }
  return code;
}

const std::string& Policy::summary_by(std::string_view lang) const {
  if (impl_->pack.summary) {
    for (const auto& [l, by] : impl_->pack.summary->bys) {
      if (l == lang) return by;
    }
  }
  return summary_by();
}

}  // namespace zhucun
