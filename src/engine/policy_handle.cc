// PolicyHandle (include/zhucun/policy_handle.h): the current version behind
// a mutex, replaced whole by a reload that loaded.

#include "zhucun/policy_handle.h"

#include <mutex>
#include <utility>

namespace zhucun {

struct PolicyHandle::State {
  std::string dir;
  std::map<std::string, std::string> params;
  CompileOptions limits;
  std::mutex reloading;  // one reload at a time
  mutable std::mutex current_mutex;
  std::shared_ptr<const Version> current;
  uint64_t loaded = 0;  // the versions made (under `reloading`)
};

PolicyHandle::PolicyHandle(std::string dir, std::map<std::string, std::string> params,
                           const CompileOptions& limits)
    : state_(std::make_shared<State>()) {
  state_->dir = std::move(dir);
  state_->params = std::move(params);
  state_->limits = limits;
}

std::shared_ptr<const PolicyHandle::Version> PolicyHandle::Current() const {
  const std::lock_guard<std::mutex> lock(state_->current_mutex);
  return state_->current;
}

PolicyHandle::Reloaded PolicyHandle::Reload() const {
  const std::lock_guard<std::mutex> reload(state_->reloading);
  auto sources = std::make_shared<SourceManager>();
  Result<Policy> policy = Policy::Load(state_->dir, *sources, state_->params, state_->limits);
  Reloaded r;
  r.diagnostics = policy.diagnostics();
  r.sources = sources;
  if (!policy.ok()) {
    const std::shared_ptr<const Version> current = Current();
    r.number = current != nullptr ? current->number : 0;
    return r;
  }
  auto version = std::make_shared<Version>(Version{std::move(policy).value(), sources,
                                                   ++state_->loaded});
  r.ok = true;
  r.number = version->number;
  const std::lock_guard<std::mutex> lock(state_->current_mutex);
  state_->current = std::move(version);
  return r;
}

}  // namespace zhucun
