// Policy::Check: evaluating every rule of a compiled pack over its subjects
// and periods (in parallel, in chunks of subjects), the findings of rows left
// out in lenient mode, and the derived tables.

#include "zhucun/engine.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <ctime>
#include <exception>
#include <functional>
#include <iterator>
#include <mutex>
#include <numeric>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "core/sort_runs.h"
#include "engine/exceptions.h"
#include "engine/policy_impl.h"
#include "engine/row_name.h"
#include "engine/subjects.h"
#include "expr/evaluator.h"
#include "expr/stdlib.h"
#include "facts/huge_pages.h"
#include "plan/rule_plan.h"
#include "source/quote.h"
#include "zhucun/expr.h"
#include "zhucun/records.h"
#include "zhucun/thread_pool.h"

namespace zhucun {

namespace internal {

size_t findings_give_back_bytes = size_t{64} << 20;

std::optional<std::vector<Period>> PeriodsOf(const CompiledRule& rule,
                                             const Activation& act, Date from,
                                             Date as_of, std::string* error) {
  std::vector<Period> periods;
  if (rule.periods) {
    Value v = rule.periods->Evaluate(act);
    if (v.is_error()) {
      *error = v.error_message();
      return std::nullopt;
    }
    if (v.kind() == ValueKind::kList) {
      for (const Value& e : v.list_value()) {
        if (e.kind() == ValueKind::kPeriod) periods.push_back(e.period_value());
      }
    }
    std::sort(periods.begin(), periods.end());
    periods.erase(std::unique(periods.begin(), periods.end()), periods.end());
  } else if (rule.spec.period) {
    periods = Period::Enumerate(*rule.spec.period, from, as_of);
  }
  return periods;
}

}  // namespace internal

namespace {

using internal::CompiledRule;
using internal::MessagePart;
using internal::PolicyImpl;
using internal::Quote;
using internal::Subjects;
using internal::SubjectValue;
using internal::Text;

// What stops a check's rules early (CheckOptions::max_rule_steps, cancel,
// deadline), shared by its threads.
struct Limits {
  explicit Limits(const CheckOptions& options)
      : max_rule_steps(options.max_rule_steps), cancel(options.cancel),
        deadline(options.deadline) {}

  // Whether the check is cancelled or past its deadline; once true, true.
  bool Interrupted() {
    if (stopped.load(std::memory_order_relaxed)) return true;
    if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) {
      stopped = true;
    } else if (deadline && std::chrono::steady_clock::now() >= *deadline) {
      late = true;
      stopped = true;
    }
    return stopped.load(std::memory_order_relaxed);
  }

  const uint64_t max_rule_steps;
  const std::atomic<bool>* const cancel;
  const std::optional<std::chrono::steady_clock::time_point> deadline;
  std::atomic<bool> stopped{false};
  std::atomic<bool> late{false};  // stopped by the deadline
};

// A rule's steps in the row evaluator over the whole check, against
// max_rule_steps. Whether it goes over does not depend on the threads:
// the steps are only added, and no chunk stops before the total is over,
// so it is over exactly when all the rule's steps would be.
struct RuleSteps {
  std::atomic<uint64_t> steps{0};
  std::atomic<bool> over{false};
};

// Evaluates one rule over its subjects and periods.
class RuleRunner {
 public:
  // What the runner did, for the profile.
  struct Counts {
    uint64_t subjects = 0;
    uint64_t judged = 0;
    uint64_t lets_computed = 0;
    uint64_t lets_bound = 0;
    uint64_t kept = 0;  // with a plan: the pairs the row evaluator judged
    // With `count_steps`: per step of the plan, the pairs it kept.
    std::vector<uint64_t> kept_after;
  };

  // `plan`: the rule's plan — of its `when` and its message's holes
  // together (RulePlan::BuildFindings) — or null to evaluate every pair;
  // `periods_plan`: the plan of its `periods:` (only with `plan`), or null.
  // `count_steps`: count the pairs each step of the plan keeps (the
  // profile's). `base` and `segment`: the values and periods of one of the
  // rule's segments (effective dating); `first_segment`: whether it is the
  // first. `lang`: the language of the findings' messages.
  RuleRunner(const CompiledRule& rule, std::string_view lang, const internal::RulePlan* plan,
             const internal::RulePlan* periods_plan,
             const Activation& base, const internal::RuleSegment& segment, bool first_segment,
             Date from, Date as_of, std::vector<Finding>* findings, Diagnostics* diags,
             Counts* counts,
             bool count_steps, Limits* limits, RuleSteps* steps)
      : rule_(rule), message_(MessageIn(rule, lang)), plan_(plan), periods_plan_(periods_plan),
        base_(base), segment_(segment), first_segment_(first_segment), from_(from),
        as_of_(as_of), findings_(findings),
        diags_(diags), counts_(counts), count_steps_(count_steps), limits_(limits),
        steps_(steps), steps_mark_(internal::ThreadSteps()) {}

  // Evaluates the rule for `subjects[begin, end)`.
  void Run(const Subjects& subjects, size_t begin, size_t end) {
    if (plan_ != nullptr) {
      RunPlanned(subjects, begin, end);
    } else {
      RunEach(subjects, begin, end);
    }
    Stop();  // the last subject's steps
  }

  // Whether to stop before the next subject: the check is interrupted, or
  // the rule is over its steps (adding those taken since the last call).
  bool Stop() {
    if (limits_->max_rule_steps > 0) {
      const uint64_t now = internal::ThreadSteps();
      const uint64_t used = now - steps_mark_;
      steps_mark_ = now;
      if (used > 0 && steps_->steps.fetch_add(used) + used > limits_->max_rule_steps) {
        steps_->over = true;
      }
      if (steps_->over.load(std::memory_order_relaxed)) return true;
    }
    return limits_->Interrupted();
  }

 private:
  void RunEach(const Subjects& subjects, size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      if (Stop()) return;
      const SubjectValue s = subjects.Get(i);
      if (s.name.empty()) continue;
      ++counts_->subjects;
      Subject(s.name, s.value);
    }
  }

  // With a plan (a rule on the rows of a table, on groups of them, or on the
  // prefecture): the pairs of the subjects are listed first (with the
  // periods of each, which may be an error). With a findings plan, `when`
  // and the message's holes are computed for every pair: a pair whose
  // `when` is known false is dropped, one whose `when` is known true and
  // whose holes are all known is a finding made here. Else the plan drops
  // the pairs whose `when` is false for certain. The row evaluator judges
  // the others, subject by subject in the same order as without a plan, so
  // the findings and errors are the same.
  void RunPlanned(const Subjects& subjects, size_t begin, size_t end) {
    if (Stop()) return;
    const bool has_periods = rule_.spec.period || rule_.periods;
    const bool whole = !segment_.first && !segment_.last;  // (every period)
    std::vector<uint32_t> rows;
    std::vector<Period> periods;
    std::vector<size_t> first_pair;  // per subject, its first pair; then the end
    std::vector<std::optional<std::string>> errors;  // per subject: its periods' error
    // Per subject, when the rule lists its periods: the activation that
    // listed them (its lets computed there are not computed again). Empty
    // for a rule without `periods:`.
    std::vector<std::optional<Activation>> acts(rule_.periods ? end - begin : 0);
    std::vector<Period> enumerated;
    if (rule_.spec.period && !rule_.periods) {
      enumerated = Period::Enumerate(*rule_.spec.period, from_, as_of_);
    }
    // The periods of the subjects, where their plan knows them.
    internal::PlannedPeriods planned_periods;
    if (periods_plan_ != nullptr) {
      std::vector<uint32_t> subject_rows;
      for (size_t i = begin; i < end; ++i) subject_rows.push_back(static_cast<uint32_t>(i));
      periods_plan_->Periods(subject_rows, &planned_periods);
    }
    if (!planned_periods.known.empty()) {  // (most pairs: the planned periods)
      rows.reserve(planned_periods.periods.size());
      periods.reserve(planned_periods.periods.size());
    } else if (!enumerated.empty()) {
      rows.reserve((end - begin) * enumerated.size());
      periods.reserve((end - begin) * enumerated.size());
    }
    if (!has_periods) {  // a pair per subject (first_pair and errors stay empty)
      rows.resize(end - begin);
      for (size_t i = begin; i < end; ++i) rows[i - begin] = static_cast<uint32_t>(i);
    }
    for (size_t i = begin; has_periods && i < end; ++i) {
      if (rule_.periods && Stop()) return;
      const auto r = static_cast<uint32_t>(i);
      first_pair.push_back(rows.size());
      errors.emplace_back();
      if (subjects.Empty(i)) continue;  // (no subject, no pairs)
      const Period* list = enumerated.data();  // (its periods [list, list_end))
      const Period* list_end = list + enumerated.size();
      std::optional<std::vector<Period>> own;
      if (!planned_periods.known.empty() && planned_periods.known[i - begin] != 0) {
        list = planned_periods.periods.data() + planned_periods.offsets[i - begin];
        list_end = planned_periods.periods.data() + planned_periods.offsets[i - begin + 1];
      } else if (rule_.periods) {
        Activation& act = acts[i - begin].emplace(SubjectActivation(subjects.Bound(i)));
        std::string error;
        own = internal::PeriodsOf(rule_, act, from_, as_of_, &error);
        if (!own) {
          errors.back() = std::move(error);
          continue;
        }
        list = own->data();
        list_end = list + own->size();
      }
      for (const Period* p = list; p != list_end; ++p) {
        if (!whole && !segment_.Contains(p->start())) continue;  // another segment's
        rows.push_back(r);
        periods.push_back(*p);
      }
    }
    if (has_periods) first_pair.push_back(rows.size());
    // Per pair: kDrop, kJudge (the row evaluator), or kFound (a finding
    // whose message is made of `planned`'s holes).
    using internal::PlannedFindings;
    constexpr uint8_t kDrop = PlannedFindings::kDrop, kJudge = PlannedFindings::kJudge,
                      kFound = PlannedFindings::kFound;
    PlannedFindings planned;
    std::vector<uint8_t>& keep = planned.verdict;
    plan_->Findings(rows, periods, &planned, count_steps_ ? &counts_->kept_after : nullptr);
    // An empty group is no subject (RunEach skips it too).
    size_t empty = 0;
    for (size_t s = 0; subjects.groups() != nullptr && s + begin < end; ++s) {
      if (!subjects.Empty(begin + s)) continue;
      ++empty;
      if (!has_periods) keep[s] = kDrop;
    }
    // The subjects with a pair kept or a failing `periods:` (the others
    // are done with), their names, and room for the findings the plan makes.
    std::vector<uint32_t> named;  // (subjects' rows)
    size_t found = 0;
    size_t judge = 0;
    if (!has_periods) {  // (a pair per subject)
      for (size_t s = 0; s + begin < end; ++s) {
        const uint8_t verdict = keep[s];
        if (verdict == kDrop) continue;
        named.push_back(static_cast<uint32_t>(begin + s));
        found += verdict == kFound;
        judge += verdict == kJudge;
      }
    }
    for (size_t s = 0; has_periods && s + begin < end; ++s) {
      bool any = errors[s].has_value();
      for (size_t k = first_pair[s]; k < first_pair[s + 1]; ++k) {
        any |= keep[k] != kDrop;
        found += keep[k] == kFound;
        judge += keep[k] == kJudge;
      }
      if (any) {
        named.push_back(static_cast<uint32_t>(begin + s));
      } else if (!acts.empty() && acts[s]) {
        counts_->lets_computed += acts[s]->lazy_evaluations();
      }
    }
    counts_->kept += judge;
    counts_->subjects += end - begin - empty;
    counts_->judged += rows.size() - (has_periods ? 0 : empty);  // (the pairs)
    std::vector<std::string> names = subjects.Names(named);
    findings_->reserve(findings_->size() + found);
    size_t found_at = 0;  // (in planned.found)
    for (size_t n = 0; n < named.size(); ++n) {
      const size_t s = named[n] - begin;
      const size_t b = has_periods ? first_pair[s] : s;
      const size_t e = has_periods ? first_pair[s + 1] : s + 1;
      const bool failed = has_periods && errors[s];
      if (Stop()) return;
      std::string name = std::move(names[n]);
      if (failed) {
        counts_->lets_computed += acts[s]->lazy_evaluations();
        // (Once for the subject, not once per segment of the rule.)
        if (first_segment_) Fail(name, "", Value::Error(*errors[s]));
        continue;
      }
      std::optional<Activation> act;
      if (!acts.empty()) act = std::move(acts[s]);
      for (size_t k = b; k < e; ++k) {
        if (keep[k] == kDrop) continue;
        std::string period = has_periods ? periods[k].label() : "";
        if (keep[k] == kFound) {
          while (planned.found[found_at] < k) ++found_at;  // (k is found: it is there)
          std::string& message = Scratch();
          size_t hole = 0;
          for (const MessagePart& part : message_) {
            if (part.program) {
              AppendText(planned.holes[hole++], found_at, &message);
            } else {
              message += part.text;
            }
          }
          // (The subject's name moves into its last pair's finding.)
          findings_->push_back({rule_.spec.id, k + 1 == e ? std::move(name) : name,
                                std::move(period), rule_.spec.severity, std::string(message)});
          continue;
        }
        if (!act) act.emplace(SubjectActivation(subjects.Bound(begin + s)));
        if (has_periods) act->Bind("period", Value::FromPeriod(periods[k]));
        Evaluate(name, period, *act, /*count=*/false);
      }
      if (act) counts_->lets_computed += act->lazy_evaluations();
    }
  }

 private:
  // The activation of one subject: the base, the subject's variable, and
  // the lets that do not depend on the period (bound once for all periods).
  Activation SubjectActivation(Value row) {
    Activation act = base_;
    if (!row.is_null() || rule_.spec.subject.kind !=
                              internal::SubjectSpec::Kind::kPrefecture) {
      act.Bind(rule_.spec.subject.as, std::move(row));
    }
    for (size_t i = 0; i < rule_.lets.size(); ++i) {
      if (rule_.let_per_period[i]) continue;
      act.BindLazy(rule_.lets[i].first, &rule_.lets[i].second);
      ++counts_->lets_bound;
    }
    return act;
  }

  void Subject(const std::string& name, const Value& row) {
    Activation act = SubjectActivation(row);
    struct CountLets {  // on every way out
      const Activation& act;
      Counts* counts;
      ~CountLets() { counts->lets_computed += act.lazy_evaluations(); }
    } count_lets{act, counts_};
    if (!rule_.spec.period && !rule_.periods) {
      Evaluate(name, "", act);
      return;
    }
    std::string error;
    const std::optional<std::vector<Period>> periods =
        internal::PeriodsOf(rule_, act, from_, as_of_, &error);
    if (!periods) {
      if (first_segment_) Fail(name, "", Value::Error(error));  // (once, not per segment)
      return;
    }
    for (const Period& period : *periods) {
      if (!segment_.Contains(period.start())) continue;  // another segment's
      act.Bind("period", Value::FromPeriod(period));
      Evaluate(name, period.label(), act);
    }
  }

  // The lets are computed where `when` (or the message) first needs them,
  // so a guard that is false spares the lets behind it; an error in a let
  // is an error of the `when` that uses it (with CEL's `false && error`
  // being false). A let that does not depend on the period keeps its value
  // from one period of the subject to the next (bound in Subject).
  void Evaluate(const std::string& subject, const std::string& period,
                Activation& act, bool count = true) {
    if (count) ++counts_->judged;
    for (size_t i = 0; i < rule_.lets.size(); ++i) {
      if (!rule_.let_per_period[i]) continue;
      act.BindLazy(rule_.lets[i].first, &rule_.lets[i].second);
      ++counts_->lets_bound;
    }
    if (!rule_.when) return;
    Value fired = rule_.when->Evaluate(act);
    if (Fail(subject, period, fired)) return;
    if (fired.kind() != ValueKind::kBool) {
      Fail(subject, period, Value::Error("`when` gave " + fired.DebugString() +
                                         ", not true or false"));
      return;
    }
    if (!fired.bool_value()) return;
    std::string& message = Scratch();
    for (const MessagePart& part : message_) {
      if (!part.program) {
        message += part.text;
        continue;
      }
      Value v = part.program->Evaluate(act);
      message += v.is_error() ? "{" + v.error_message() + "}" : Text(v);
    }
    findings_->push_back({rule_.spec.id, subject, period, rule_.spec.severity,
                          std::string(message)});
  }

  // An empty string to write a message in, whose copy in the finding has
  // room for its text alone: appending piece by piece doubles a string's
  // room (a 70-byte message would keep 120): at 1.6 million findings
  // (scale 150) up to about 70 MB held for nothing.
  std::string& Scratch() {
    scratch_.clear();
    return scratch_;
  }

  // Reports an evaluation error; true if `v` is one.
  bool Fail(const std::string& subject, const std::string& period,
            const Value& v) {
    if (!v.is_error()) return false;
    diags_->Error("engine.eval_error",
                  "rule " + Quote(rule_.spec.id) + " on " + Quote(subject) +
                      (period.empty() ? "" : " in " + Quote(period)) + ": " +
                      v.error_message(),
                  rule_.spec.span);
    return true;
  }

  const CompiledRule& rule_;
  const std::vector<MessagePart>& message_;  // in the check's language
  const internal::RulePlan* plan_;
  const internal::RulePlan* periods_plan_;
  const Activation& base_;
  // The periods it judges (effective dating), and whether it is the first
  // of the rule's segments (which reports a subject's failing `periods:`).
  const internal::RuleSegment segment_;
  const bool first_segment_;
  Date from_;
  Date as_of_;
  std::vector<Finding>* findings_;
  std::string scratch_;  // (Scratch)
  Diagnostics* diags_;
  Counts* counts_;
  bool count_steps_;
  Limits* limits_;
  RuleSteps* steps_;
  uint64_t steps_mark_;  // ThreadSteps() when Stop() last read it
};

double MillisecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() -
                                                   start)
      .count();
}

// This thread's CPU time in milliseconds (time it waited for a core is not
// counted, so a rule's figure does not grow when other work shares them).
double ThreadCpuMilliseconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

// Runs `work` on this thread and on up to threads - 1 more of its own,
// started here and joined before it returns; the threads that ran it.
size_t RunOnThreads(size_t threads, const std::function<void()>& work) {
  std::vector<std::thread> started;
  try {
    for (size_t t = 1; t < threads; ++t) started.emplace_back(work);
  } catch (const std::system_error&) {
    // No more threads to be had: the ones started and this one do the work.
  }
  work();
  for (std::thread& t : started) t.join();
  return started.size() + 1;
}

// The same on threads of `pool` (shared with other checks): `work` is
// posted threads - 1 times and run here; it returns when this thread's run
// and every run a pool thread began are done. A post that a busy pool
// starts later does nothing (`work`, on this stack, is not touched after).
size_t RunOnPool(ThreadPool& pool, size_t threads, const std::function<void()>& work) {
  struct Helpers {
    std::mutex mutex;
    std::condition_variable done;
    size_t running = 0;
    size_t ran = 0;
    bool closed = false;
  };
  auto helpers = std::make_shared<Helpers>();
  for (size_t t = 1; t < threads; ++t) {
    pool.Post([helpers, &work] {
      {
        const std::lock_guard<std::mutex> lock(helpers->mutex);
        if (helpers->closed) return;
        ++helpers->running;
        ++helpers->ran;
      }
      work();
      {
        const std::lock_guard<std::mutex> lock(helpers->mutex);
        --helpers->running;
      }
      helpers->done.notify_all();
    });
  }
  work();
  std::unique_lock<std::mutex> lock(helpers->mutex);
  helpers->closed = true;
  helpers->done.wait(lock, [&] { return helpers->running == 0; });
  return helpers->ran + 1;
}

// The threads of a check: CheckOptions::threads, else the pool's and the
// caller's, else one per core.
size_t Threads(const CheckOptions& options) {
  if (options.threads != 0) return options.threads;
  return options.pool != nullptr ? options.pool->size() + 1
                                 : std::max(1u, std::thread::hardware_concurrency());
}

// The order of a check's findings: by rule, subject and period (bytes).
bool FindingLess(const Finding& a, const Finding& b) {
  if (const int c = a.rule.compare(b.rule); c != 0) return c < 0;
  if (const int c = a.subject.compare(b.subject); c != 0) return c < 0;
  return a.period < b.period;
}

// Evaluates every rule, in parallel: the work is cut into chunks of
// subjects, each with its own findings (sorted on its thread) and
// diagnostics, concatenated rule by rule afterwards into one list sorted
// by FindingLess, so the result never depends on timing.
// With `profile`, each rule's time, counts and findings go there, one entry
// per rule. The threads run `tasks` (the derived tables' parts)
// first, then the chunks.
void RunRules(const PolicyImpl& p, const RecordSet& records, const Activation& base,
              Date from, const CheckOptions& options,
              const std::vector<std::function<void()>>& tasks, Limits* limits,
              std::vector<Finding>* findings, Diagnostics* diags, Profile* profile) {
  std::vector<Subjects> subjects;
  subjects.reserve(p.rules.size());
  for (const CompiledRule& rule : p.rules) subjects.emplace_back(rule, records);
  // Each rule in its segments (effective dating, effective.cc): the periods
  // it judges with one set of parameter values, each with its base; most
  // rules have one segment, every period with `base`.
  struct Unit {
    size_t rule;
    internal::RuleSegment segment;
    Activation base;
  };
  std::vector<Unit> units;
  for (size_t r = 0; r < p.rules.size(); ++r) {
    for (const internal::RuleSegment& s : internal::RuleSegments(p, p.rules[r], options.as_of)) {
      Unit u{r, s, base};
      if (s.day != options.as_of) {
        u.base.Bind("params", Value::Map(internal::ParamsOn(p, s.day)));
      }
      units.push_back(std::move(u));
    }
  }
  // The plans of the rules on the rows of a table or groups of them, or on
  // the prefecture (src/plan), made before the rules run: they share the
  // relations' index spans.
  std::optional<internal::Relations> relations(std::in_place, records);
  std::vector<std::unique_ptr<internal::RulePlan>> plans(units.size());
  std::vector<std::unique_ptr<internal::RulePlan>> periods_plans(units.size());
  // Each unit's plans: built in parallel (in a first check on new facts
  // most of the time goes to the reverse relations' indexes, built once per
  // fact set by whichever thread asks first, FactTable::Groups; 1.5 s at
  // scale 150 on one thread).
  const auto plan_unit = [&](size_t r) {
    const CompiledRule& rule = p.rules[units[r].rule];
    const Activation& base = units[r].base;
    const internal::SubjectSpec::Kind kind = rule.spec.subject.kind;
    const bool table = kind == internal::SubjectSpec::Kind::kTable;
    const GroupIndex* groups = subjects[units[r].rule].groups();
    if (!(table || groups != nullptr || kind == internal::SubjectSpec::Kind::kPrefecture) ||
        !rule.when) {
      return;
    }
    internal::RuleInput input;  // (the prefecture: no subject row)
    if (table || groups != nullptr) {
      input.subject_var = rule.spec.subject.as;
      input.subject_table = rule.spec.subject.table;
      input.subject_groups = groups;
    }
    for (const auto& [name, program] : rule.lets) input.lets.emplace_back(name, &program);
    input.when = &*rule.when;
    if (profile != nullptr) {  // the steps: `when`'s top-level `&&` operands
      for (const auto& [text, program] : rule.conditions) input.steps.push_back(&program);
      if (rule.conditions.empty()) input.steps.push_back(&*rule.when);
    }
    // `when` and the message's holes; no plan where `when` is not planned
    // as a bool (it could drop no pair).
    std::vector<const Program*> holes;
    for (const MessagePart& part : MessageIn(rule, options.lang)) {
      if (part.program) holes.push_back(&*part.program);
    }
    plans[r] = internal::RulePlan::BuildFindings(input, holes, records.facts(), *p.types, base,
                                                 &*relations);
    if (plans[r] && !plans[r]->DecidesWhen()) plans[r].reset();
    if (plans[r] && rule.periods) {
      input.when = &*rule.periods;
      periods_plans[r] =
          internal::RulePlan::BuildPeriods(input, records.facts(), *p.types, base, &*relations);
    }
  };
  size_t threads = Threads(options);
  const auto run_on_threads = [&](size_t n, const std::function<void()>& work) {
    return options.pool != nullptr ? RunOnPool(*options.pool, n, work) : RunOnThreads(n, work);
  };
  std::mutex failure_mutex;
  std::exception_ptr failure;  // the first exception of any thread
  if (options.plan && !units.empty()) {
    std::atomic<size_t> next_unit{0};
    run_on_threads(std::min(threads, units.size()), [&] {
      try {
        for (size_t r = next_unit++; r < units.size(); r = next_unit++) plan_unit(r);
      } catch (...) {
        next_unit = units.size();  // the others stop too
        const std::lock_guard<std::mutex> lock(failure_mutex);
        if (!failure) failure = std::current_exception();
      }
    });
    if (failure) std::rethrow_exception(failure);
  }
  struct Chunk {
    size_t unit = 0;
    size_t rule = 0;
    size_t begin = 0;
    size_t end = 0;
    std::vector<Finding> findings;
    Diagnostics diags;
    RuleRunner::Counts counts;
    double milliseconds = 0;
  };
  std::vector<Chunk> chunks;
  for (size_t u = 0; u < units.size(); ++u) {
    const size_t r = units[u].rule;
    // Large enough for a plan's column operators to pay off, small enough
    // for the threads to share even one rule (four chunks each at least);
    // a subject with periods is many pairs, so fewer subjects.
    const bool periods = p.rules[r].periods || p.rules[r].spec.period;
    const size_t chunk =
        std::clamp<size_t>(subjects[r].size() / (threads * 4), 256, periods ? 1024 : 4096);
    for (size_t b = 0; b < subjects[r].size(); b += chunk) {
      Chunk c;
      c.unit = u;
      c.rule = r;
      c.begin = b;
      c.end = std::min(subjects[r].size(), b + chunk);
      chunks.push_back(std::move(c));
    }
  }
  std::vector<RuleSteps> steps(p.rules.size());
  std::atomic<size_t> next{0};
  auto work = [&] {
    try {
      for (size_t t = next++; t < tasks.size() + chunks.size(); t = next++) {
        if (limits->Interrupted()) break;
        if (t < tasks.size()) {
          tasks[t]();
          continue;
        }
        Chunk& c = chunks[t - tasks.size()];
        const double start = profile != nullptr ? ThreadCpuMilliseconds() : 0;
        const Unit& unit = units[c.unit];
        RuleRunner(p.rules[c.rule], options.lang, plans[c.unit].get(), periods_plans[c.unit].get(),
                   unit.base, unit.segment,
                   c.unit == 0 || units[c.unit - 1].rule != c.rule, from, options.as_of,
                   &c.findings, &c.diags, &c.counts, profile != nullptr, limits,
                   &steps[c.rule])
            .Run(subjects[c.rule], c.begin, c.end);
        // (Sorted here, on the threads: the chunks of a rule are then in
        // order when each begins where the one before ended.)
        internal::StableSortRuns(c.findings.begin(), c.findings.end(), FindingLess);
        if (profile != nullptr) c.milliseconds = ThreadCpuMilliseconds() - start;
      }
    } catch (...) {
      next = tasks.size() + chunks.size();  // the others stop too
      const std::lock_guard<std::mutex> lock(failure_mutex);
      if (!failure) failure = std::current_exception();
    }
  };
  threads = std::min(threads, tasks.size() + chunks.size());
  const size_t used = run_on_threads(threads, work);
  if (failure) std::rethrow_exception(failure);
  if (profile != nullptr) {
    profile->threads = static_cast<unsigned>(std::max<size_t>(1, used));
    // (A rule's plan: that of its first segment.)
    std::vector<const internal::RulePlan*> rule_plans(p.rules.size(), nullptr);
    std::vector<bool> judged(p.rules.size(), false);  // (in some segment)
    for (size_t u = units.size(); u-- > 0;) {
      rule_plans[units[u].rule] = plans[u].get();
      judged[units[u].rule] = true;
    }
    for (size_t i = 0; i < p.rules.size(); ++i) {
      RuleProfile r;
      r.rule = p.rules[i].spec.id;
      r.path = rule_plans[i] != nullptr ? "plan, then row evaluator" : "row evaluator";
      if (!judged[i]) r.path = "not judged (not effective)";
      if (rule_plans[i] != nullptr) {
        const CompiledRule& rule = p.rules[i];
        for (const auto& [text, program] : rule.conditions) r.steps.push_back({text, 0});
        if (rule.conditions.empty()) {
          r.steps.push_back({internal::CollapseSpace(rule.spec.when.text), 0});
        }
      }
      profile->rules.push_back(std::move(r));
    }
    for (const Chunk& c : chunks) {
      RuleProfile& r = profile->rules[c.rule];
      r.milliseconds += c.milliseconds;
      if (c.unit == 0 || units[c.unit - 1].rule != c.rule) r.subjects += c.counts.subjects;
      r.judged += c.counts.judged;
      r.lets_computed += c.counts.lets_computed;
      r.lets_bound += c.counts.lets_bound;
      r.evaluated += plans[c.unit] ? c.counts.kept : c.counts.judged;
      r.findings += c.findings.size();
      for (size_t k = 0; k < c.counts.kept_after.size() && k < r.steps.size(); ++k) {
        r.steps[k].kept += c.counts.kept_after[k];
      }
    }
  }
  // The rules are judged: their plans and the relations they built go
  // before the findings are gathered and sorted (the check's peak).
  plans.clear();
  periods_plans.clear();
  relations.reset();
  // The findings rule by rule in order of id (each rule's chunks are
  // consecutive), then the rules whose chunks are not in order one after
  // another sorted; the diagnostics in the order of the rules.
  size_t total = findings->size();
  std::vector<size_t> first_chunk(p.rules.size() + 1, chunks.size());
  for (size_t k = chunks.size(); k-- > 0;) {
    first_chunk[chunks[k].rule] = k;
    total += chunks[k].findings.size();
  }
  for (size_t r = p.rules.size(); r-- > 0;) {
    first_chunk[r] = std::min(first_chunk[r], first_chunk[r + 1]);
  }
  std::vector<size_t> by_id(p.rules.size());
  std::iota(by_id.begin(), by_id.end(), size_t{0});
  std::stable_sort(by_id.begin(), by_id.end(), [&p](size_t a, size_t b) {
    return p.rules[a].spec.id < p.rules[b].spec.id;
  });
  // The chunks' findings give their pages back as they are moved when they
  // take internal::findings_give_back_bytes or more (256 MB at scale 150):
  // below it, the page faults of taking the pages again later cost more
  // than holding them meanwhile.
  size_t chunk_bytes = 0;
  for (const Chunk& c : chunks) chunk_bytes += c.findings.capacity() * sizeof(Finding);
  const bool give_back = chunk_bytes >= internal::findings_give_back_bytes;
  // The list is written from start to end: its pages are mapped a slice
  // at a time ahead of the writing (a page fault each costs more than the
  // moves at a million findings), not all at once beside the chunks'.
  internal::ReserveHuge(*findings, total);
  const size_t slice = (size_t{16} << 20) / sizeof(Finding);
  size_t mapped = findings->size();  // (findings mapped in)
  const auto map_ahead = [&](size_t n) {
    if (findings->size() + n <= mapped) return;
    const size_t upto = std::min(total, std::max(findings->size() + n, mapped + slice));
    internal::Prefault(findings->data() + mapped, (upto - mapped) * sizeof(Finding));
    mapped = upto;
  };
  // The rules whose chunks' findings are not in order one after another
  // (ids that outgrow their zero-padding, `M999999` then `M1000000`, put
  // most rules of members here): [begin, end) in *findings.
  std::vector<std::pair<size_t, size_t>> unsorted;
  for (const size_t r : by_id) {
    if (steps[r].over) {  // one finding instead of the rule's findings and errors
      findings->push_back({p.rules[r].spec.id, "", "", "error",
                           "evaluation stopped: the rule needs more than " +
                               std::to_string(options.max_rule_steps) +
                               " comprehension steps in this check (max_rule_steps)"});
      continue;
    }
    const size_t rule_begin = findings->size();
    bool in_order = true;  // (each chunk is sorted)
    for (size_t k = first_chunk[r]; k < first_chunk[r + 1]; ++k) {
      std::vector<Finding>& moved = chunks[k].findings;
      if (!moved.empty() && findings->size() > rule_begin &&
          FindingLess(moved.front(), findings->back())) {
        in_order = false;
      }
      map_ahead(moved.size());
      findings->insert(findings->end(), std::make_move_iterator(moved.begin()),
                       std::make_move_iterator(moved.end()));
      // Its room goes back to the system now, not after the last chunk:
      // the chunks' findings (160 bytes each) would otherwise stay resident
      // beside the list they are moved into. (The moved-from findings are
      // destroyed first: nothing reads the pages after they go.)
      moved.clear();
      if (give_back) {
        internal::DiscardPages(moved.data(), moved.capacity() * sizeof(Finding), 2 * 4096);
      }
      std::vector<Finding>().swap(moved);
    }
    if (!in_order) unsorted.emplace_back(rule_begin, findings->size());
  }
  // Those rules' findings sorted (the stable order of each rule's findings
  // as they came), a rule at a time on each thread.
  std::atomic<size_t> next_sort{0};
  run_on_threads(std::min(threads, unsorted.size()), [&] {
    try {
      for (size_t k = next_sort++; k < unsorted.size(); k = next_sort++) {
        const auto first = findings->begin() + static_cast<std::ptrdiff_t>(unsorted[k].first);
        const auto last = findings->begin() + static_cast<std::ptrdiff_t>(unsorted[k].second);
        internal::StableSortRunsInPlace(first, last, FindingLess);
      }
    } catch (...) {
      next_sort = unsorted.size();  // the others stop too
      const std::lock_guard<std::mutex> lock(failure_mutex);
      if (!failure) failure = std::current_exception();
    }
  });
  if (failure) std::rethrow_exception(failure);
  for (const Chunk& c : chunks) {
    if (!steps[c.rule].over) diags->Append(c.diags);
  }
}

// Sorts findings by rule, subject and period. Each rule's findings usually
// come together and the rules in order (RunRules), and a rule's findings
// often in order of subject already or in a few runs that are (subjects
// whose ids outgrow their zero-padding, `M999999` then `M1000000`; a
// rule's segments): only what is out of order is sorted.
void SortFindings(std::vector<Finding>* findings) {
  std::vector<Finding>& f = *findings;
  for (size_t b = 0; b < f.size();) {
    size_t e = b + 1;
    while (e < f.size() && f[e].rule == f[b].rule) ++e;
    if (e < f.size() && f[e].rule < f[b].rule) {  // not grouped by rule in order
      internal::StableSortRuns(f.begin(), f.end(), FindingLess);
      return;
    }
    const auto first = f.begin() + static_cast<std::ptrdiff_t>(b);
    const auto last = f.begin() + static_cast<std::ptrdiff_t>(e);
    internal::StableSortRuns(first, last, FindingLess);
    b = e;
  }
}

}  // namespace

Result<Report> Policy::Check(const std::shared_ptr<const FactSet>& facts,
                             const CheckOptions& options) const {
  const PolicyImpl& p = *impl_;
  Diagnostics diags;
  std::shared_ptr<const RecordSet> records = internal::RecordsFor(p, facts);
  std::optional<Date> from = internal::WindowStart(p, options, &diags);
  if (!from) return Result<Report>(std::move(diags));
  const Activation base = internal::BaseActivation(p, *records, *from, options.as_of);

  Report report;
  report.records = records;
  const auto start = std::chrono::steady_clock::now();
  if (options.profile) report.profile.emplace();
  Profile* profile = report.profile ? &*report.profile : nullptr;
  // The derived tables, each in parts that are tasks of the threads that
  // run the rules.
  report.derived.resize(p.derived.size());
  std::vector<std::unique_ptr<internal::DerivedTask>> derived;
  std::vector<std::vector<double>> derived_ms(p.derived.size());  // per part, with a profile
  std::vector<std::function<void()>> tasks;
  for (size_t i = 0; i < p.derived.size(); ++i) {
    derived.push_back(std::make_unique<internal::DerivedTask>(
        p, p.derived[i], *facts, *records, base, options.plan, Threads(options), profile != nullptr));
    derived_ms[i].resize(derived[i]->parts());
    for (size_t k = 0; k < derived[i]->parts(); ++k) {
      tasks.emplace_back([&, i, k] {
        const double part_start = profile != nullptr ? ThreadCpuMilliseconds() : 0;
        if (derived[i]->Run(k)) report.derived[i] = std::move(derived[i]->table());
        if (profile != nullptr) derived_ms[i][k] = ThreadCpuMilliseconds() - part_start;
      });
    }
  }
  Limits limits(options);
  RunRules(p, *records, base, *from, options, tasks, &limits, &report.findings, &diags, profile);
  if (limits.stopped) {
    Diagnostics stopped;
    if (limits.late) {
      stopped.Error("engine.deadline",
                    "the check did not finish by its deadline (CheckOptions::deadline)",
                    SourceSpan{});
    } else {
      stopped.Error("engine.cancelled", "the check was cancelled (CheckOptions::cancel)",
                    SourceSpan{});
    }
    return Result<Report>(std::move(stopped));
  }
  for (size_t i = 0; i < p.derived.size(); ++i) {
    diags.Append(derived[i]->diags());
    if (profile != nullptr) {
      RuleProfile& entry = derived[i]->profile();
      for (double ms : derived_ms[i]) entry.milliseconds += ms;
      profile->rules.push_back(std::move(entry));
    }
  }
  // Rows left out in lenient mode are findings too (DATA.md); the rules'
  // findings are sorted already (RunRules).
  for (const RejectedRow& r : facts->rejected()) {
    report.findings.push_back({"input.invalid", r.table + ":" + std::to_string(r.line),
                               "", "error", r.reason});
  }
  if (!facts->rejected().empty()) SortFindings(&report.findings);
  // Exception records exempt findings of the pack's rules: taken from the
  // sorted findings, the exempted are sorted too; the records' own findings
  // are added to the others, which are sorted again.
  const internal::ExceptionRecords exceptions(p, *records, options.as_of);
  report.exceptions = exceptions.size();
  if (!exceptions.empty()) {
    exceptions.Apply(&report.findings, &report.exempted);
    SortFindings(&report.findings);
  }
  if (profile != nullptr) profile->evaluation_milliseconds = MillisecondsSince(start);
  if (diags.has_errors()) return Result<Report>(std::move(diags));
  return Result<Report>(std::move(report), std::move(diags));
}

}  // namespace zhucun
