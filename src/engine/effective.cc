// Effective dating (policy_impl.h; docs/rules.md, "Policy over time"): the
// parameters' values on a day, and the segments of a check in which a rule
// is judged with one set of them.

#include <algorithm>
#include <iterator>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/policy_impl.h"
#include "source/quote.h"

namespace zhucun::internal {

namespace {

// The value of a history on `day`, or null before its first `from`.
const Value* ValueOn(const std::vector<ParamChange>& history, Date day) {
  const Value* v = nullptr;
  for (const ParamChange& c : history) {
    if (day < c.from) break;
    v = &c.value;
  }
  return v;
}

}  // namespace

bool ReadsParam(const CompiledRule& rule, const std::string& name) {
  const std::string field = "params." + name;
  const auto reads = [&](const Program& program) { return program.Reads(field); };
  if (rule.periods && reads(*rule.periods)) return true;
  if (rule.when && reads(*rule.when)) return true;
  for (const auto& [let, program] : rule.lets) {
    if (reads(program)) return true;
  }
  bool message_reads = false;
  ForEachMessageHole(rule, [&](const Program& hole) { message_reads |= reads(hole); });
  return message_reads;
}


ValueMap ParamsOn(const PolicyImpl& p, Date day) {
  if (p.history.empty()) return p.params;
  ValueMap out;
  for (const auto& [key, value] : p.params.entries()) {
    const auto it = p.history.find(key.string_value());
    if (it == p.history.end()) {
      out.Insert(key, value);
    } else if (const Value* v = ValueOn(it->second, day)) {
      out.Insert(key, *v);
    }
  }
  return out;
}

std::string NotJudgedOn(const PolicyImpl& p, const CompiledRule& rule, Date day) {
  const RuleSpec& s = rule.spec;
  if (s.effective_from && day < *s.effective_from) {
    return "rule " + Quote(s.id) + " is effective from " + s.effective_from->ToString();
  }
  if (s.effective_until && *s.effective_until < day) {
    return "rule " + Quote(s.id) + " is effective until " + s.effective_until->ToString();
  }
  for (const auto& [name, history] : p.history) {
    if (day < history.front().from && ReadsParam(rule, name)) {
      return "parameter " + Quote(name) + " has no value before " +
             history.front().from.ToString();
    }
  }
  return {};
}

std::vector<RuleSegment> RuleSegments(const PolicyImpl& p, const CompiledRule& rule,
                                      Date as_of) {
  const RuleSpec& s = rule.spec;
  if (!s.period && !rule.periods) {
    if (!NotJudgedOn(p, rule, as_of).empty()) return {};
    return {RuleSegment{std::nullopt, std::nullopt, as_of}};
  }
  // The days on which what the rule sees may change.
  std::set<Date> changes;
  if (s.effective_from) changes.insert(*s.effective_from);
  if (s.effective_until) {
    if (const std::optional<Date> after = s.effective_until->AddDays(1)) changes.insert(*after);
  }
  for (const auto& [name, history] : p.history) {
    if (!ReadsParam(rule, name)) continue;
    for (const ParamChange& c : history) changes.insert(c.from);
  }
  if (changes.empty()) return {RuleSegment{std::nullopt, std::nullopt, as_of}};
  std::vector<RuleSegment> out;
  // Before the first change: judged only if nothing starts there (the
  // values are those of any day before it).
  const Date first = *changes.begin();
  if (const std::optional<Date> before = first.AddDays(-1)) {
    if (NotJudgedOn(p, rule, *before).empty()) {
      out.push_back(RuleSegment{std::nullopt, *before, *before});
    }
  }
  for (auto it = changes.begin(); it != changes.end(); ++it) {
    const auto next = std::next(it);
    std::optional<Date> last;
    if (next != changes.end()) last = next->AddDays(-1);
    if (!NotJudgedOn(p, rule, *it).empty()) continue;
    out.push_back(RuleSegment{*it, last, *it});
  }
  return out;
}

}  // namespace zhucun::internal
