// What the rules of a compiled policy read (ReadsOf), and a policy of some of
// its rules (Restrict): include/zhucun/reads.h.

#include "zhucun/reads.h"

#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "engine/policy_impl.h"
#include "expr/program.h"
#include "syntax/ast.h"
#include "zhucun/records.h"
#include "zhucun/type.h"

namespace zhucun {

namespace {

using internal::CompiledDerived;
using internal::CompiledRule;
using internal::CompiledSummaryKey;
using internal::PolicyAccess;
using internal::PolicyImpl;

// Adds what `program` reads to `out`: `facts.<table>` selections, other
// readings of `facts`, and each field selected from a record that is a
// relation (a reference column's row or a reverse relation).
void Scan(const PolicyImpl& p, const Program& program, ExpressionReads* out,
          std::set<std::string>* facts, std::set<RelationRead>* relations) {
  const internal::ProgramImpl& impl = internal::ImplOf(program);
  const Schema& schema = p.types->schema();
  std::vector<bool> facts_selected(impl.ast.nodes.size(), false);
  for (size_t id = 0; id < impl.ast.nodes.size(); ++id) {
    const internal::Node& n = impl.ast.nodes[id];
    if (n.kind != internal::ExprKind::kSelect || n.target == internal::kNoExpr) continue;
    const internal::Node& t = impl.ast.node(n.target);
    if (t.kind == internal::ExprKind::kIdent && t.name == "facts" &&
        impl.local_slots[n.target] < 0) {
      facts_selected[n.target] = true;
      if (!n.test_only) facts->insert(n.name);
      continue;
    }
    if (n.test_only) continue;  // has(r.field) reads no row
    const Type& type = impl.types[n.target];
    if (type.kind() == TypeKind::kDyn) {
      out->unknown = true;
      continue;
    }
    if (type.kind() != TypeKind::kObject) continue;
    const int table = schema.TableIndex(type.object().name());
    if (table < 0) continue;  // not a record (e.g. `params`)
    for (const RecordField& f : p.types->fields(static_cast<size_t>(table))) {
      if (f.name != n.name || f.kind == RecordField::Kind::kColumn) continue;
      RelationRead r;
      r.table = schema.tables[static_cast<size_t>(table)].name;
      r.field = f.name;
      if (f.kind == RecordField::Kind::kForward) {
        const ColumnSchema& c = schema.tables[static_cast<size_t>(table)].columns[f.column];
        r.column = c.name;
        r.other = c.references;
      } else {
        const TableSchema& other = schema.tables[f.other_table];
        r.reverse = true;
        r.column = other.columns[f.other_column].name;
        r.other = other.name;
      }
      relations->insert(std::move(r));
    }
  }
  for (size_t id = 0; id < impl.ast.nodes.size(); ++id) {
    const internal::Node& n = impl.ast.nodes[id];
    if (n.kind == internal::ExprKind::kIdent && n.name == "facts" &&
        impl.local_slots[id] < 0 && !facts_selected[id]) {
      out->facts_any = true;
    }
  }
}

void Finish(ExpressionReads* out, std::set<std::string>&& facts,
            std::set<RelationRead>&& relations) {
  out->facts.assign(facts.begin(), facts.end());
  out->relations.assign(relations.begin(), relations.end());
}

ExpressionReads RuleReads(const PolicyImpl& p, const CompiledRule& r) {
  ExpressionReads out;
  out.kind = ExpressionReads::Kind::kRule;
  out.name = r.spec.id;
  switch (r.spec.subject.kind) {
    case internal::SubjectSpec::Kind::kTable:
      out.subject = ExpressionReads::Subject::kTable;
      out.table = r.spec.subject.table;
      break;
    case internal::SubjectSpec::Kind::kGroup:
      out.subject = ExpressionReads::Subject::kGroup;
      out.table = r.spec.subject.table;
      out.group_by = r.spec.subject.group_by;
      break;
    case internal::SubjectSpec::Kind::kPrefecture:
      out.subject = ExpressionReads::Subject::kPrefecture;
      break;
  }
  std::set<std::string> facts;
  std::set<RelationRead> relations;
  const auto scan = [&](const Program& program) { Scan(p, program, &out, &facts, &relations); };
  if (r.periods) scan(*r.periods);
  if (r.when) scan(*r.when);
  for (const auto& let : r.lets) scan(let.second);
  for (const auto& c : r.conditions) scan(c.second);
  internal::ForEachMessageHole(r, scan);
  Finish(&out, std::move(facts), std::move(relations));
  return out;
}

}  // namespace

std::vector<ExpressionReads> ReadsOf(const Policy& policy) {
  const PolicyImpl& p = PolicyAccess::Impl(policy);
  std::vector<ExpressionReads> out;
  for (const CompiledRule& r : p.rules) out.push_back(RuleReads(p, r));
  for (const CompiledDerived& d : p.derived) {
    ExpressionReads e;
    e.kind = ExpressionReads::Kind::kDerived;
    e.name = d.spec.name;
    e.table = d.spec.from;
    std::set<std::string> facts;
    std::set<RelationRead> relations;
    for (const auto& let : d.lets) Scan(p, let.second, &e, &facts, &relations);
    for (const auto& c : d.columns) Scan(p, c.second, &e, &facts, &relations);
    Finish(&e, std::move(facts), std::move(relations));
    out.push_back(std::move(e));
  }
  for (const CompiledSummaryKey& k : p.summary_keys) {
    ExpressionReads e;
    e.kind = ExpressionReads::Kind::kSummaryKey;
    e.name = k.table;
    e.table = k.table;
    std::set<std::string> facts;
    std::set<RelationRead> relations;
    Scan(p, k.program, &e, &facts, &relations);
    Finish(&e, std::move(facts), std::move(relations));
    out.push_back(std::move(e));
  }
  return out;
}

namespace {

// A restricted PolicyImpl and the policy it came from: its `types` are the
// original's (the compiled expressions refer to them), borrowed, never
// freed here.
struct RestrictedImpl {
  std::shared_ptr<const PolicyImpl> original;
  PolicyImpl impl;
  RestrictedImpl() = default;
  RestrictedImpl(const RestrictedImpl&) = delete;
  RestrictedImpl& operator=(const RestrictedImpl&) = delete;
  ~RestrictedImpl() { (void)impl.types.release(); }
};

}  // namespace

Policy Restrict(const Policy& policy, const std::vector<std::string>& rules,
                const std::vector<std::string>& derived) {
  const std::shared_ptr<const PolicyImpl>& original = PolicyAccess::Shared(policy);
  const PolicyImpl& p = *original;
  const std::set<std::string> keep_rules(rules.begin(), rules.end());
  const std::set<std::string> keep_derived(derived.begin(), derived.end());
  auto holder = std::make_shared<RestrictedImpl>();
  holder->original = original;
  PolicyImpl& r = holder->impl;
  r.pack = p.pack;
  r.pack.rules.clear();
  for (const internal::RuleSpec& spec : p.pack.rules) {
    if (keep_rules.count(spec.id) != 0) r.pack.rules.push_back(spec);
  }
  r.pack.derived.clear();
  for (const internal::DerivedSpec& spec : p.pack.derived) {
    if (keep_derived.count(spec.name) != 0) r.pack.derived.push_back(spec);
  }
  r.limits = p.limits;
  r.facts_read = p.facts_read;
  r.types.reset(const_cast<RecordTypes*>(p.types.get()));  // borrowed: see ~RestrictedImpl
  r.params = p.params;
  r.history = p.history;
  for (const CompiledRule& rule : p.rules) {
    if (keep_rules.count(rule.spec.id) != 0) r.rules.push_back(rule);
  }
  for (const CompiledDerived& d : p.derived) {
    if (keep_derived.count(d.spec.name) != 0) r.derived.push_back(d);
  }
  r.summary_keys = p.summary_keys;
  return PolicyAccess::Make(std::shared_ptr<const PolicyImpl>(holder, &holder->impl));
}

}  // namespace zhucun
