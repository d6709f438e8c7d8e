// Policy::SummaryGroups: each finding's group of the pack's summary (e.g.
// its county), the text of the summary key of its subject's row.
//
// Findings name their subjects (`members:M1`); a table's subjects are
// found by their keys in one pass over the table's key column, for the
// keys the findings name only (an index of every key, FactTable::FindKey,
// takes about 24 bytes a row and stays with the facts: 13.7M absences at
// scale 150). Each row's key is computed once, by a plan over the rows
// needed, a block at a time, and by the row evaluator where the plan does
// not know it.

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/policy_impl.h"
#include "engine/subject_finder.h"
#include "plan/rule_plan.h"
#include "source/quote.h"
#include "zhucun/engine.h"
#include "zhucun/records.h"

namespace zhucun {

using internal::CompiledRule;
using internal::PolicyImpl;
using internal::Quote;
using internal::Text;

namespace {

// Keys to rows: the keys the findings name (views of their subjects), each
// once, in an open-addressing table of their hashes (a scan of a table's
// key column probes it once per row, most rows not named: one cache line).
class KeyRows {
 public:
  // Names finding i's subject, whose key begins at byte key_at of its
  // name (the keys are kept as these two numbers, not as views: 8 bytes
  // a key instead of 16, 1.3 million keys at scale 150).
  void Add(const std::vector<Finding>& findings, uint32_t i, uint32_t key_at) {
    findings_ = &findings;
    if (keys_.size() * 2 >= slots_.size()) Grow();
    const std::string_view key = std::string_view(findings[i].subject).substr(key_at);
    const uint64_t h = std::hash<std::string_view>{}(key);
    size_t at = Probe(key, h);
    if (slots_[at].index != 0) return;  // (named before)
    keys_.push_back({i, key_at});
    rows_.push_back(-1);
    slots_[at] = {static_cast<uint32_t>(h), static_cast<uint32_t>(keys_.size())};
  }
  // The row of `key` (-1: none), or null when it was not added.
  int64_t* Find(std::string_view key) {
    if (slots_.empty()) return nullptr;
    const size_t at = Probe(key, std::hash<std::string_view>{}(key));
    return slots_[at].index == 0 ? nullptr : &rows_[slots_[at].index - 1];
  }
  bool empty() const { return keys_.empty(); }
  const std::vector<int64_t>& rows() const { return rows_; }

 private:
  struct Slot {
    uint32_t hash = 0;
    uint32_t index = 0;  // into keys_, plus 1; 0: empty
  };
  struct Named {
    uint32_t finding;
    uint32_t key_at;
  };
  std::string_view Key(uint32_t index) const {
    const Named& k = keys_[index - 1];
    return std::string_view((*findings_)[k.finding].subject).substr(k.key_at);
  }
  // The slot of `key`: where it is, or the empty slot where it would go.
  size_t Probe(std::string_view key, uint64_t h) const {
    const size_t mask = slots_.size() - 1;
    for (size_t at = h & mask;; at = (at + 1) & mask) {
      const Slot& s = slots_[at];
      if (s.index == 0 || (s.hash == static_cast<uint32_t>(h) && Key(s.index) == key)) return at;
    }
  }
  void Grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(std::max<size_t>(16, old.size() * 2), Slot{});
    const size_t mask = slots_.size() - 1;
    for (const Slot& s : old) {
      if (s.index == 0) continue;
      const uint64_t h = std::hash<std::string_view>{}(Key(s.index));
      size_t at = h & mask;
      while (slots_[at].index != 0) at = (at + 1) & mask;
      slots_[at] = s;
    }
  }
  const std::vector<Finding>* findings_ = nullptr;
  std::vector<Slot> slots_;
  std::vector<Named> keys_;
  std::vector<int64_t> rows_;
};

}  // namespace

Result<std::vector<std::string>> Policy::SummaryGroups(
    const std::shared_ptr<const FactSet>& facts, const CheckOptions& options,
    const std::vector<Finding>& findings) const {
  const PolicyImpl& p = *impl_;
  Diagnostics diags;
  std::vector<std::string> groups(findings.size());
  if (p.summary_keys.empty()) {
    return Result<std::vector<std::string>>(std::move(groups));
  }
  std::shared_ptr<const RecordSet> records = internal::RecordsFor(p, facts);
  const std::optional<Date> from = internal::WindowStart(p, options, &diags);
  if (!from) return Result<std::vector<std::string>>(std::move(diags));
  const Activation base = internal::BaseActivation(p, *records, *from, options.as_of);
  Activation act = base;  // (with a row bound: the row evaluator's)
  std::unordered_map<std::string_view, const CompiledRule*> rules;
  for (const CompiledRule& r : p.rules) rules.emplace(r.spec.id, &r);

  constexpr int32_t kNoGroup = INT32_MIN;
  // Per table with a summary key: the key, and per row needed its group
  // (an index into `texts`, each text once; or -2 - k where the key failed
  // with errors[k]).
  struct Table {
    const internal::CompiledSummaryKey* key = nullptr;
    std::string as;
    // The keys of the subjects named, and the row of each (-1: none).
    KeyRows rows;
    // The rows needed (sorted, each once: the keys' rows, and the rows of
    // subjects found otherwise), and per row its group (kNoGroup: not
    // computed yet).
    std::vector<uint32_t> needed;
    std::vector<int32_t> group_of;
    int32_t& GroupOf(uint32_t r) {
      return group_of[static_cast<size_t>(std::lower_bound(needed.begin(), needed.end(), r) -
                                          needed.begin())];
    }
    std::vector<std::string> texts;
    std::unordered_map<std::string, int32_t> text_ids;
    std::vector<std::string> errors;

    int32_t Intern(std::string text) {
      auto [it, added] = text_ids.emplace(std::move(text), static_cast<int32_t>(texts.size()));
      if (added) texts.push_back(it->first);
      return it->second;
    }
  };
  std::unordered_map<std::string, Table> tables;
  const auto table_of = [&](const std::string& name) -> Table* {
    if (auto it = tables.find(name); it != tables.end()) return &it->second;
    for (const internal::CompiledSummaryKey& k : p.summary_keys) {
      if (k.table != name) continue;
      Table& t = tables[name];
      t.key = &k;
      for (const internal::SummaryKeySpec& spec : p.pack.summary->keys) {
        if (spec.table == name) t.as = spec.as;
      }
    }
    auto it = tables.find(name);
    return it == tables.end() ? nullptr : &it->second;
  };
  // Per finding: where its subject's key begins in its name (a row of a
  // keyed table), or its rows found otherwise (groups, tables without a
  // key): row_lists[rows]; neither: no group. Its table is its rule's
  // (table_of_finding below): 8 bytes a finding, 1.6 million at scale 150.
  struct Subject {
    int32_t rows = -1;
    uint32_t key_at = 0;
  };
  std::vector<Subject> subjects(findings.size());
  std::vector<std::vector<uint32_t>> row_lists;
  internal::SubjectFinder finder(p, *records);
  // Per text column grouping subjects: the groups named (their texts, as
  // SubjectFinder names them) and each one's list in row_lists.
  struct NamedGroups {
    Table* table = nullptr;
    std::unordered_map<std::string_view, int32_t> lists;
  };
  std::unordered_map<const Column*, NamedGroups> named_groups;
  // Where the key of subject `name` (`<label>:<key>`) begins; 0 for a
  // name without the label.
  const auto key_at = [](std::string_view name, const std::string& label) -> uint32_t {
    if (name.size() <= label.size() || !name.starts_with(label) || name[label.size()] != ':') {
      return 0;
    }
    return static_cast<uint32_t>(label.size() + 1);
  };
  for (size_t i = 0; i < findings.size(); ++i) {
    const Finding& f = findings[i];
    auto rule_it = rules.find(f.rule);
    if (rule_it == rules.end()) continue;  // e.g. input.invalid
    const CompiledRule& rule = *rule_it->second;
    const internal::SubjectSpec& s = rule.spec.subject;
    if (s.kind == internal::SubjectSpec::Kind::kPrefecture) continue;
    Table* table = table_of(s.table);
    if (table == nullptr) continue;
    Subject& subject = subjects[i];
    const TableSchema* schema = p.pack.schema.FindTable(s.table);
    if (s.kind == internal::SubjectSpec::Kind::kTable && schema != nullptr && !schema->key.empty()) {
      subject.key_at = key_at(f.subject, s.label);
      if (subject.key_at > 0) table->rows.Add(findings, static_cast<uint32_t>(i), subject.key_at);
      continue;  // (0: no such subject, no group)
    }
    // (A consecutive finding of the same subject: its rows again.)
    if (i > 0 && subjects[i - 1].rows >= 0 &&
        findings[i - 1].rule == f.rule && findings[i - 1].subject == f.subject) {
      subject.rows = subjects[i - 1].rows;
      continue;
    }
    // A group of a text column: its rows are listed below, in one pass
    // over the column for all the groups named (SubjectFinder lists every
    // group's rows: at scale 150 the 1.9 million persons of
    // `member.overlap` took 290 MB).
    if (s.kind == internal::SubjectSpec::Kind::kGroup) {
      const FactTable* rows_of = facts->table(s.table);
      const Column* by = rows_of == nullptr ? nullptr : rows_of->column(s.group_by);
      const uint32_t at = key_at(f.subject, s.label);
      if (by != nullptr && by->type() == ColumnType::kString && at > 0) {
        NamedGroups& named = named_groups[by];
        named.table = table;
        auto [it, added] = named.lists.emplace(std::string_view(f.subject).substr(at),
                                               static_cast<int32_t>(row_lists.size()));
        if (added) row_lists.emplace_back();
        subject.rows = it->second;
        continue;
      }
    }
    Diagnostics ignored;
    std::optional<internal::FoundSubject> found = finder.Find(rule, f.subject, &ignored);
    subject.rows = static_cast<int32_t>(row_lists.size());
    row_lists.push_back(found ? std::move(found->rows) : std::vector<uint32_t>{});
    table->needed.insert(table->needed.end(), row_lists.back().begin(), row_lists.back().end());
  }

  // The rows of the groups named: one pass over each column (in row
  // order, as SubjectFinder lists them; a null cell's text is Text(null)'s).
  for (auto& [by, named] : named_groups) {
    const int32_t* codes = by->int32s().data();
    const std::vector<std::string>& dictionary = by->dictionary();
    const std::vector<uint8_t>& valid = by->valid();
    const std::string null_text = Text(Value());
    for (uint32_t r = 0; r < by->size(); ++r) {
      const std::string_view text = !valid.empty() && valid[r] == 0
                                        ? std::string_view(null_text)
                                        : std::string_view(dictionary[static_cast<size_t>(codes[r])]);
      auto it = named.lists.find(text);
      if (it != named.lists.end()) row_lists[static_cast<size_t>(it->second)].push_back(r);
    }
    for (const auto& [text, list] : named.lists) {
      const std::vector<uint32_t>& rows = row_lists[static_cast<size_t>(list)];
      named.table->needed.insert(named.table->needed.end(), rows.begin(), rows.end());
    }
  }

  // The rows of the keys named: one pass over each table's key column.
  for (auto& [name, t] : tables) {
    const FactTable* table = facts->table(name);
    const TableSchema* schema = p.pack.schema.FindTable(name);
    if (t.rows.empty() || table == nullptr || schema == nullptr) continue;
    const Column* keys = table->column(schema->key);
    if (keys == nullptr) continue;
    if (keys->type() == ColumnType::kString) {
      const int32_t* codes = keys->int32s().data();
      const std::vector<std::string>& dictionary = keys->dictionary();
      const std::vector<uint8_t>& valid = keys->valid();
      for (uint32_t r = 0; r < table->num_rows(); ++r) {
        if (!valid.empty() && valid[r] == 0) continue;
        int64_t* row = t.rows.Find(dictionary[static_cast<size_t>(codes[r])]);
        if (row != nullptr && *row < 0) *row = r;  // (the first, as FindKey)
      }
    }  // (keys not of strings: no row, as FindKey finds none)
  }

  // Each row's group: planned a block at a time, else by the row evaluator.
  const auto group = [&](Table& t, const std::string& name, uint32_t r) -> int32_t {
    int32_t& g = t.GroupOf(r);
    if (g != kNoGroup) return g;
    act.Bind(t.as, records->Row(name, r));
    const Value v = t.key->program.Evaluate(act);
    if (v.is_error()) {
      t.errors.push_back("the summary key of " + Quote(name) + " on " +
                         Quote(records->Row(name, r).record_source().RowName(r)) + ": " +
                         v.error_message());
      g = -2 - static_cast<int32_t>(t.errors.size() - 1);
    } else {
      g = t.Intern(Text(v));
    }
    return g;
  };
  for (auto& [name, t] : tables) {
    std::vector<uint32_t>& needed = t.needed;
    for (const int64_t row : t.rows.rows()) {
      if (row >= 0) needed.push_back(static_cast<uint32_t>(row));
    }
    std::sort(needed.begin(), needed.end());
    needed.erase(std::unique(needed.begin(), needed.end()), needed.end());
    t.group_of.assign(needed.size(), kNoGroup);
    if (needed.empty() || !options.plan) continue;
    internal::Relations relations(*records);
    internal::RuleInput input;
    input.subject_var = t.as;
    input.subject_table = name;
    const std::unique_ptr<internal::RulePlan> plan =
        internal::RulePlan::BuildValues(input, {&t.key->program}, *facts, *p.types, base, &relations);
    if (plan == nullptr) continue;
    std::vector<internal::PlannedColumn> planned;
    constexpr size_t kBlock = 4096;
    std::vector<uint32_t> block;
    for (size_t b = 0; b < needed.size(); b += kBlock) {
      block.assign(needed.begin() + static_cast<ptrdiff_t>(b),
                   needed.begin() + static_cast<ptrdiff_t>(std::min(needed.size(), b + kBlock)));
      plan->Columns(block, {}, &planned);
      for (size_t i = 0; i < block.size(); ++i) {
        if (planned[0].state[i] == internal::PlannedColumn::kUnknown) continue;  // (below)
        std::string text;
        internal::AppendText(planned[0], i, &text);
        t.group_of[b + i] = t.Intern(std::move(text));
      }
    }
  }

  // Each finding's group: its rows', where they agree. The first error,
  // in the findings' order, fails the whole.
  // A finding's table: its rule's subject's (the findings come rule by
  // rule: the last rule's is kept).
  const std::string* last_rule = nullptr;
  Table* last_table = nullptr;
  const auto table_of_finding = [&](const Finding& f) -> Table* {
    if (last_rule == nullptr || *last_rule != f.rule) {
      last_rule = &f.rule;
      auto rule_it = rules.find(f.rule);
      last_table = rule_it == rules.end() ? nullptr : table_of(rule_it->second->spec.subject.table);
    }
    return last_table;
  };
  for (size_t i = 0; i < findings.size(); ++i) {
    Subject& subject = subjects[i];
    if (subject.rows < 0 && subject.key_at == 0) continue;
    Table& t = *table_of_finding(findings[i]);
    const std::string& name = t.key->table;
    std::vector<uint32_t> one;
    const std::vector<uint32_t>* rows = &one;
    if (subject.rows >= 0) {
      rows = &row_lists[static_cast<size_t>(subject.rows)];
    } else if (const int64_t* row = t.rows.Find(std::string_view(findings[i].subject).substr(subject.key_at));
               row != nullptr && *row >= 0) {
      one.push_back(static_cast<uint32_t>(*row));
    }
    int32_t common = -1;  // (the texts are each once: the same group, the same id)
    for (size_t k = 0; k < rows->size(); ++k) {
      const int32_t g = group(t, name, (*rows)[k]);
      if (g < 0) {
        diags.Error("engine.eval_error", t.errors[static_cast<size_t>(-2 - g)], SourceSpan{});
        return Result<std::vector<std::string>>(std::move(diags));
      }
      if (k == 0) {
        common = g;
      } else if (common != g) {
        common = -1;  // rows in different groups
        break;
      }
    }
    if (common >= 0) groups[i] = t.texts[static_cast<size_t>(common)];
  }
  return Result<std::vector<std::string>>(std::move(groups), std::move(diags));
}

}  // namespace zhucun
