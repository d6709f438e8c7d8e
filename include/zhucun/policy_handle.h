#ifndef ZHUCUN_POLICY_HANDLE_H_
#define ZHUCUN_POLICY_HANDLE_H_

/// \file
/// A policy that a long-running service replaces while it serves: the
/// handle holds the current version of a pack folder; Reload() loads the
/// folder again and, if the pack loads, makes it current in one step. A
/// check takes the current version and keeps it until it is done, so
/// checks in flight finish on the policy they started with; a pack that
/// fails to load is rejected with its diagnostics, and the old version
/// keeps serving:
///
///     zhucun::PolicyHandle handle("rules/qiannan");
///     zhucun::PolicyHandle::Reloaded r = handle.Reload();  // the first load
///     if (!r.ok) log << r.diagnostics.Render(*r.sources);
///     // a request:
///     std::shared_ptr<const zhucun::PolicyHandle::Version> v = handle.Current();
///     auto report = v->policy.Check(facts, options);
///     // the pack's files changed:
///     r = handle.Reload();
///
/// Copies of a handle share its versions. Every member is thread-safe;
/// reloads run one at a time.

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "zhucun/diagnostic.h"
#include "zhucun/engine.h"
#include "zhucun/expr.h"
#include "zhucun/source.h"

namespace zhucun {

class ZHUCUN_API PolicyHandle {
 public:
  /// A loaded pack: its policy, the sources its diagnostics (and those of
  /// its checks) point into, and its number: 1 for the first, one more for
  /// each reload that replaced it.
  struct Version {
    Policy policy;
    std::shared_ptr<const SourceManager> sources;
    uint64_t number = 0;
  };

  /// What a reload did: `ok` if the pack loaded and is now current (as
  /// version `number`); else the current version (`number`) stays. The
  /// load's diagnostics either way, and the sources to render them.
  struct Reloaded {
    bool ok = false;
    uint64_t number = 0;
    Diagnostics diagnostics;
    std::shared_ptr<const SourceManager> sources;
  };

  /// A handle of the pack folder `dir`, loaded as Policy::Load does
  /// (`params` overrides parameter defaults, `limits` bounds every
  /// expression); nothing is loaded until Reload().
  explicit PolicyHandle(std::string dir, std::map<std::string, std::string> params = {},
                        const CompileOptions& limits = {});

  /// The current version, or null before a load succeeded. It stays valid,
  /// and the same, however many reloads follow, for as long as it is held.
  std::shared_ptr<const Version> Current() const;

  /// Loads the folder again, with the same parameters and limits.
  Reloaded Reload() const;

  struct State;  // (policy_handle.cc)

 private:
  std::shared_ptr<State> state_;
};

}  // namespace zhucun

#endif  // ZHUCUN_POLICY_HANDLE_H_
