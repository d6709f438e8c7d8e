// Explanations as text (FormatExplanation): what `zhucun explain` prints and
// what the Python bindings' Explanation.__str__ returns.

#include <algorithm>
#include <string>
#include <vector>

#include "zhucun/engine.h"
#include "zhucun/text.h"

namespace zhucun {

namespace {

// Aligned `name<between>value` lines.
void AppendItems(const std::vector<Explanation::Item>& items,
                 const std::string& indent, const std::string& between,
                 std::string* out) {
  size_t width = 0;
  for (const auto& item : items) width = std::max(width, TextWidth(item.name));
  for (const auto& item : items) {
    *out += indent + PadToWidth(item.name, width) + between +
            (item.value.empty() ? "(empty)" : item.value) + '\n';
  }
}

}  // namespace

std::string FormatExplanation(const Explanation& e) {
  std::string out;
  std::vector<Explanation::Item> head = {
      {"rule", e.rule + (e.title.empty() ? "" : "  " + e.title)},
      {"source", e.source},
      {"severity", e.severity},
      {"subject", e.subject},
  };
  if (!e.period.empty()) head.push_back({"period", e.period});
  head.push_back({"result", e.fired ? "fired: " + e.message : "did not fire"});
  if (!e.exempted_by.empty()) {
    head.push_back({"exempted", "by exception " + e.exempted_by +
                                    " (the finding is in exempted.csv, not findings.csv)"});
  }
  AppendItems(head, "", "  ", &out);
  for (const Explanation::Row& row : e.rows) {
    out += "\nrow " + row.name + '\n';
    AppendItems(row.cells, "  ", "  ", &out);
  }
  if (e.periods) {
    out += "\nperiods of the subject\n  " + e.periods->name + " = " +
           e.periods->value + '\n';
  }
  if (!e.lets.empty()) {
    out += "\nvalues\n";
    AppendItems(e.lets, "  ", " = ", &out);
  }
  if (!e.conditions.empty()) {
    out += "\nconditions (when)\n";
    size_t width = 0;
    for (const auto& c : e.conditions) width = std::max(width, TextWidth(c.value));
    for (size_t i = 0; i < e.conditions.size(); ++i) {
      const Explanation::Item& c = e.conditions[i];
      out += "  " + PadToWidth(c.value, width) + "  " + c.name +
             (e.first_false == i ? "   <- first false" : "") + '\n';
    }
  }
  return out;
}

}  // namespace zhucun
