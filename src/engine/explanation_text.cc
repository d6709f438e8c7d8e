// Explanations as text (FormatExplanation): what `zhucun explain` prints and
// what the Python bindings' Explanation.__str__ returns.

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "zhucun/engine.h"
#include "zhucun/text.h"

namespace zhucun {

namespace {

// The words of an explanation in one language.
struct Words {
  const char* rule;
  const char* source;
  const char* severity;
  const char* subject;
  const char* period;
  const char* result;
  const char* fired;
  const char* did_not_fire;
  const char* exempted;
  const char* by_exception;  // then the id, then `exempted_where`
  const char* exempted_where;
  const char* row;
  const char* empty;
  const char* periods;
  const char* values;
  const char* conditions;
  const char* first_false;
  const char* error;
  const char* warning;
};

constexpr Words kEnglish = {
    "rule", "source", "severity", "subject", "period", "result", "fired: ", "did not fire",
    "exempted", "by exception ", " (the finding is in exempted.csv, not findings.csv)", "row ",
    "(empty)", "periods of the subject", "values", "conditions (when)", "   <- first false",
    "error", "warning"};
constexpr Words kChinese = {
    "规则", "条款", "严重程度", "对象", "期间", "结果", "触发：", "未触发",
    "豁免", "依据例外记录 ", "（该发现在 exempted.csv 中，不在 findings.csv 中）", "数据行 ",
    "（空）", "对象的期间", "取值", "条件（when）", "   <- 第一个不成立的条件",
    "错误", "警告"};

// Aligned `name<between>value` lines.
void AppendItems(const std::vector<Explanation::Item>& items,
                 const std::string& indent, const std::string& between,
                 const Words& w, std::string* out) {
  size_t width = 0;
  for (const auto& item : items) width = std::max(width, TextWidth(item.name));
  for (const auto& item : items) {
    *out += indent + PadToWidth(item.name, width) + between +
            (item.value.empty() ? w.empty : item.value) + '\n';
  }
}

// What decided `decisions`, one line each, the inner ones below theirs.
void AppendDecisions(const std::vector<Explanation::Decision>& decisions,
                     const std::string& indent, std::string_view lang, std::string* out) {
  for (const Explanation::Decision& d : decisions) {
    *out += indent + FormatDecision(d, lang) + '\n';
    AppendDecisions(d.inner, indent + "  ", lang, out);
  }
}

// `a, b, c` of the first elements, `…` when there are more.
std::string Elements(const Explanation::Decision& d) {
  std::string out;
  for (const std::string& e : d.elements) out += (out.empty() ? "" : ", ") + e;
  if (d.count > d.elements.size()) out += ", …";
  return out;
}

}  // namespace

std::string FormatDecision(const Explanation::Decision& d, std::string_view lang) {
  const bool zh = lang == "zh";
  const std::string of = std::to_string(d.of);
  const std::string count = std::to_string(d.count);
  std::string said;
  if (d.kind == "filter") {
    if (zh) {
      said = d.count == 0 ? of + " 个中无一选出" : of + " 个中选出 " + count + " 个：" + Elements(d);
    } else {
      said = d.count == 0 ? "kept none of " + of : "kept " + count + " of " + of + ": " + Elements(d);
    }
  } else if (d.count > 0) {  // the element that made an exists true or an all false
    const std::string which = d.elements.empty() ? std::string() : d.elements[0];
    if (zh) {
      said = (d.value ? "由 " + which + " 成立" : "因 " + which + " 不成立") + "（共 " + of + " 个）";
    } else {
      said = (d.value ? "true for " : "false for ") + which + " (of " + of + ")";
    }
  } else if (d.of == 0) {
    if (zh) {
      said = d.value ? "列表为空，成立" : "列表为空，不成立";
    } else {
      said = d.value ? "true: the list is empty" : "false: the list is empty";
    }
  } else if (zh) {
    said = of + (d.value ? " 个均成立" : " 个均不成立");
  } else {
    said = (d.value ? "true for each of " : "false for each of ") + of;
  }
  return d.expression + (zh ? "：" : ": ") + said;
}

std::string FormatExplanation(const Explanation& e) { return FormatExplanation(e, "en"); }

std::string FormatExplanation(const Explanation& e, std::string_view lang) {
  const Words& w = lang == "zh" ? kChinese : kEnglish;
  std::string out;
  const std::string severity = e.severity == "error"     ? w.error
                               : e.severity == "warning" ? w.warning
                                                         : e.severity;
  std::vector<Explanation::Item> head = {
      {w.rule, e.rule + (e.title.empty() ? "" : "  " + e.title)},
      {w.source, e.source},
      {w.severity, severity},
      {w.subject, e.subject},
  };
  if (!e.period.empty()) head.push_back({w.period, e.period});
  head.push_back({w.result, e.fired ? w.fired + e.message : w.did_not_fire});
  if (!e.exempted_by.empty()) {
    head.push_back({w.exempted, w.by_exception + e.exempted_by + w.exempted_where});
  }
  AppendItems(head, "", "  ", w, &out);
  for (const Explanation::Row& row : e.rows) {
    out += "\n" + (w.row + row.name) + '\n';
    AppendItems(row.cells, "  ", "  ", w, &out);
  }
  if (e.periods) {
    out += "\n" + (w.periods + ("\n  " + e.periods->name)) + " = " + e.periods->value + '\n';
  }
  if (!e.lets.empty()) {
    out += "\n" + std::string(w.values) + "\n";
    size_t width = 0;
    for (const auto& l : e.lets) width = std::max(width, TextWidth(l.name));
    for (size_t i = 0; i < e.lets.size(); ++i) {
      const Explanation::Item& l = e.lets[i];
      out += "  " + PadToWidth(l.name, width) + " = " + (l.value.empty() ? w.empty : l.value) +
             '\n';
      if (i < e.let_decisions.size()) {
        AppendDecisions(e.let_decisions[i], std::string(width + 5, ' '), lang, &out);
      }
    }
  }
  if (!e.conditions.empty()) {
    out += "\n" + std::string(w.conditions) + "\n";
    size_t width = 0;
    for (const auto& c : e.conditions) width = std::max(width, TextWidth(c.value));
    for (size_t i = 0; i < e.conditions.size(); ++i) {
      const Explanation::Item& c = e.conditions[i];
      out += "  " + PadToWidth(c.value, width) + "  " + c.name +
             (e.first_false == i ? w.first_false : "") + '\n';
      if (i < e.condition_decisions.size()) {
        AppendDecisions(e.condition_decisions[i], std::string(width + 4, ' '), lang, &out);
      }
    }
  }
  return out;
}

}  // namespace zhucun
