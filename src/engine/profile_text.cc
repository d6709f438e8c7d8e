// A check's profile as text (FormatProfile): what `zhucun check --profile`
// prints.

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "zhucun/engine.h"
#include "zhucun/text.h"

namespace zhucun {

namespace {

// 1234567 -> "1,234,567".
std::string Thousands(uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string Milliseconds(double ms) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", ms);
  return text;
}

}  // namespace

std::string FormatProfile(const Profile& profile) {
  std::vector<const RuleProfile*> rules;
  for (const RuleProfile& r : profile.rules) rules.push_back(&r);
  std::stable_sort(rules.begin(), rules.end(),
                   [](const RuleProfile* a, const RuleProfile* b) {
                     return a->milliseconds > b->milliseconds;
                   });
  const std::vector<std::string> header = {"rule", "ms",     "subjects", "judged", "evaluated",
                                           "lets", "of",     "findings", "path"};
  std::vector<std::vector<std::string>> rows;
  double total = 0;
  for (const RuleProfile* r : rules) {
    total += r->milliseconds;
    rows.push_back({r->rule, Milliseconds(r->milliseconds), Thousands(r->subjects),
                    Thousands(r->judged), Thousands(r->evaluated), Thousands(r->lets_computed),
                    Thousands(r->lets_bound), Thousands(r->findings), r->path});
  }
  std::vector<size_t> width(header.size());
  for (size_t c = 0; c < header.size(); ++c) width[c] = TextWidth(header[c]);
  for (const auto& row : rows) {
    for (size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], TextWidth(row[c]));
  }
  const auto line = [&](const std::vector<std::string>& cells) {
    std::string out = " ";
    for (size_t c = 0; c < cells.size(); ++c) {
      const size_t pad = width[c] - TextWidth(cells[c]);
      // Text columns to the left, numbers to the right.
      const bool left = c == 0 || c + 1 == cells.size();
      out += ' ';
      if (!left) out += std::string(pad, ' ');
      out += cells[c];
      if (left && c + 1 < cells.size()) out += std::string(pad, ' ');
    }
    return out + '\n';
  };
  std::string out = "profile: " + std::to_string(profile.rules.size()) +
                    " rules and derived tables on " + std::to_string(profile.threads) +
                    (profile.threads == 1 ? " thread" : " threads") +
                    ", slowest first\n";
  out += line(header);
  for (const auto& row : rows) out += line(row);
  out += "  ms: CPU time evaluating the rule, summed over the threads that shared it (" +
         Milliseconds(total) +
         " ms in all); judged: (subject, period) pairs; evaluated: the pairs the row "
         "evaluator judged (a plan drops those whose `when` it finds false); lets: lets "
         "computed, of the lets bound (a let is computed only where `when` needs it)\n";
  // Each planned rule's steps: the pairs judged, then kept after each
  // top-level `&&` operand of its `when`.
  bool any_steps = false;
  for (const RuleProfile* r : rules) {
    if (r->steps.empty()) continue;
    if (!any_steps) {
      out += "  plan steps: the pairs judged, then those the plan kept after each `&&` "
             "operand of `when` (the rest it found false)\n";
      any_steps = true;
    }
    out += "  " + r->rule + ": " + Thousands(r->judged);
    for (const RuleProfile::Step& step : r->steps) {
      out += " -> " + Thousands(step.kept) + " " + CutToWidth(step.condition, 40);
    }
    out += '\n';
  }
  out += "evaluation: " + Milliseconds(profile.evaluation_milliseconds) + " ms\n";
  return out;
}

}  // namespace zhucun
