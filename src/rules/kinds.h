#ifndef ZHUCUN_SRC_RULES_KINDS_H_
#define ZHUCUN_SRC_RULES_KINDS_H_

// The domain rule kinds (docs/rules.md): a rule with `kind: visit_quota`,
// `mapping`, `composition`, `required_set`, `allowed_reasons`, `share_cap`,
// `days_present` or `weighted_score` says what the policy says in the
// clerk's words, and ExpandKinds rewrites it into the general structure
// (lets, `when`, `message`; functions and a derived table for
// `weighted_score`) that the engine compiles and evaluates like any rule
// written out by hand.
//
// The CEL that an expansion writes lives in a source file of its own,
// named `<rule file>:<line> (expanded <kind>)`, one line per part
// (`let count: ...`, `when: ...`, `message: ...`), with the clerk's
// arguments spliced in as written. An error in an argument, or in how the
// arguments fit together, is reported there, on the line that shows the
// expansion.
//
// Diagnostic codes (all `pack.*`, like the loader's): missing,
// unknown_argument, bad_argument, bad_name, bad_subject, unknown_column,
// not_for_kind, name_taken, bad_function, duplicate_table.

#include "rules/pack.h"
#include "zhucun/diagnostic.h"
#include "zhucun/source.h"

namespace zhucun::internal {

// Expands every rule of `pack` whose kind is not `check`, in place: the rule
// keeps its id, kind and arguments and gains the lets, `when` and (unless it
// has one) `message` of its kind; a `weighted_score` rule is replaced by the
// functions and the derived table it defines. A rule whose arguments are
// wrong is reported to `diags` and removed. Needs the pack's schema.
void ExpandKinds(PackSpec& pack, SourceManager& sources, Diagnostics* diags);

// `diags` with every diagnostic wholly inside an argument that an expansion
// pasted (PackSpec::pasted) moved to where the clerk wrote the argument.
Diagnostics MapPasted(const PackSpec& pack, const Diagnostics& diags);

}  // namespace zhucun::internal

#endif  // ZHUCUN_SRC_RULES_KINDS_H_
