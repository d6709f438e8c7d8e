#ifndef ZHUCUN_SRC_ENGINE_POLICY_IMPL_H_
#define ZHUCUN_SRC_ENGINE_POLICY_IMPL_H_

// The inside of a compiled Policy, shared by the engine's files (engine.cc
// compiles and checks, explain.cc explains one finding).

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "rules/pack.h"
#include "zhucun/date.h"
#include "zhucun/diagnostic.h"
#include "zhucun/engine.h"
#include "zhucun/expr.h"
#include "zhucun/records.h"
#include "zhucun/value.h"

namespace zhucun::internal {

// A message template: literal text and holes.
struct MessagePart {
  std::string text;                // literal, when !program
  std::optional<Program> program;  // a hole
};

struct CompiledRule {
  RuleSpec spec;
  std::optional<Program> periods;
  std::vector<std::pair<std::string, Program>> lets;
  std::optional<Program> when;
  std::vector<MessagePart> message;
};

struct CompiledDerived {
  DerivedSpec spec;
  std::vector<std::pair<std::string, Program>> lets;
  std::vector<std::pair<std::string, Program>> columns;
};

struct PolicyImpl {
  PackSpec pack;
  std::unique_ptr<RecordTypes> types;
  ValueMap params;
  std::vector<CompiledRule> rules;
  std::vector<CompiledDerived> derived;
};

// Text of a value in messages and derived tables.
std::string Text(const Value& v);

// The window start: `options.from`, else the pack's `window_start`
// parameter; nullopt (with an error in `diags`) if neither is there.
std::optional<Date> WindowStart(const PolicyImpl& p, const CheckOptions& options,
                                Diagnostics* diags);

// What every expression of the pack sees: as_of, from, params, facts.
Activation BaseActivation(const PolicyImpl& p, const RecordSet& records,
                          Date from, Date as_of);

}  // namespace zhucun::internal

#endif  // ZHUCUN_SRC_ENGINE_POLICY_IMPL_H_
