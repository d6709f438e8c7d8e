// The domain kinds that give findings (src/rules/kinds_expander.h): each
// writes its lets, `when` and default message from the arguments that
// kinds.cc has read and checked, and hands them to Finish.

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "facts/yaml_tree.h"
#include "rules/kinds_expander.h"

namespace zhucun::internal::kinds {

namespace {

// `0.30`: written as a decimal number, which CEL would read as a double.
bool IsDecimalNumber(std::string_view s) {
  const size_t point = s.find('.');
  if (point == std::string_view::npos || point == 0 || point + 1 == s.size()) {
    return false;
  }
  const auto digits = [](std::string_view d) {
    return std::all_of(d.begin(), d.end(),
                       [](char c) { return c >= '0' && c <= '9'; });
  };
  return digits(s.substr(0, point)) && digits(s.substr(point + 1));
}

}  // namespace

bool Expander::VisitQuota() {
  std::string row;
  if (Has("rank")) {
    if (!Row("`rank:`", &row)) return false;
    if (!SubjectColumn("rank", Get("rank")->key,
                       "`rank:` compares the subject's `rank` column; to "
                       "pick the subjects another way, leave it out and "
                       "say which in `when:`")) {
      return false;
    }
  }
  const std::string each = Word("each", "visit");
  std::string filter = each + "." + Word("date", "date") + " in period";
  if (Has("counts")) filter += " && " + Cel("counts");
  std::string when;
  if (Has("rank")) {
    when = row + ".rank == " + CelString(Get("rank")->word) + " && ";
  }
  when += Precondition() + "visits < quota";
  return Finish({{"visits", Cel("visits") + ".filter(" + each + ", " +
                                filter + ").size()"},
                 {"quota", Cel("at_least")}},
                when,
                {"{visits} visits in {period}, fewer than {quota}",
                 "{period}走访{visits}次，少于{quota}次"});
}

bool Expander::Mapping() {
  const std::string map = Cel("map");
  return Finish({{"key", Cel("key")}, {"value", Cel("value")}},
                Precondition() + "key in " + map + " && value != " + map +
                    "[key]",
                {"{value} does not go with {key}", "{value}与{key}不相符"});
}

bool Expander::Composition() {
  const std::string each = Word("each", "member");
  std::string filter;
  if (Has("role")) {
    filter = each + ".role == " + CelString(Get("role")->word);
  }
  if (Has("counts")) filter += (filter.empty() ? "" : " && ") + Cel("counts");
  std::string count = Cel("members");
  if (!filter.empty()) count += ".filter(" + each + ", " + filter + ")";
  count += ".size()";
  std::vector<std::string> fails;
  std::vector<std::string> expected;
  std::vector<std::string> expected_zh;
  const auto bound = [&](const char* arg, const char* op, const char* words,
                         const char* words_zh) {
    if (!Has(arg)) return;
    fails.push_back("count " + std::string(op) + " " + Cel(arg));
    expected.push_back(words + Hole(Cel(arg)));
    expected_zh.push_back(words_zh + Hole(Cel(arg)));
  };
  bound("exactly", "!=", "exactly ", "恰好");
  bound("at_least", "<", "at least ", "至少");
  bound("at_most", ">", "at most ", "至多");
  std::string when;
  for (const std::string& f : fails) when += (when.empty() ? "" : " || ") + f;
  if (fails.size() > 1) when = "(" + when + ")";
  Message message{"{count} counted", "计{count}名"};
  if (Has("role")) {
    message.en = "{count} " + Get("role")->word;
    message.zh = Get("role")->word + " {count} 名";
  }
  message.en += ", expected ";
  message.zh += "，应为";
  for (size_t i = 0; i < expected.size(); ++i) {
    message.en += (i > 0 ? " and " : "") + expected[i];
    message.zh += (i > 0 ? "且" : "") + expected_zh[i] + "名";
  }
  return Finish({{"count", count}}, Precondition() + when, message);
}

bool Expander::RequiredSet() {
  const std::string each = Word("each", "row");
  std::string found = each + "." + Word("column", "") + " == value";
  if (Has("counts")) found += " && " + Cel("counts");
  return Finish({{"missing", Cel("required") + ".filter(value, !" +
                                 Cel("rows") + ".exists(" + each + ", " +
                                 found + "))"}},
                Precondition() + "missing.size() > 0", {"missing {missing}", "缺少{missing}"});
}

bool Expander::AllowedReasons() {
  return Finish({{"reason", Cel("reason")}},
                Precondition() + "!(reason in " + Cel("allowed") + ")",
                {"the reason {reason} is not allowed", "原因{reason}不在允许之列"});
}

bool Expander::ShareCap() {
  // An exact comparison without division: count > share * base. A share
  // written as `0.30` is a decimal (CEL would read a double).
  const Arg* share = Get("at_most");
  const std::string cap = IsDecimalNumber(share->cel)
                              ? "decimal(" + CelString(share->cel) + ")"
                              : Splice(share->cel);
  return Finish({{"count", Cel("count")}, {"base", Cel("of")}},
                Precondition() + "base > 0 && decimal(count) > " + cap +
                    " * base",
                {"{count} of {base} is more than a share of " + Hole(cap),
                 "{base}个中有{count}个，超过比例" + Hole(cap)});
}

bool Expander::DaysPresent() {
  std::string row;
  if (!Row("a `days_present` rule", &row)) return false;
  // The date columns that bound the subject's service (and the away rows'
  // spans): named by `start:` and `end:`, else `start_date` and `end_date`.
  const TableSchema* table = pack_.schema.FindTable(rule_.subject.table);
  std::vector<std::string> columns;
  if (table != nullptr) {
    for (const ColumnSchema& c : table->columns) columns.push_back(c.name);
  }
  const char kBounds[] =
      "a `days_present` rule counts a subject's service days from its "
      "`start_date` to its `end_date` (null: no end); name other date "
      "columns with `start:` and `end:`";
  std::vector<std::string> absent;  // default columns the table lacks
  for (const char* arg : {"start", "end"}) {
    const std::string column =
        Word(arg, std::string(arg) == "start" ? "start_date" : "end_date");
    const Arg* given = Get(arg);
    if (table != nullptr && table->FindColumn(column) == nullptr) {
      if (given == nullptr) {
        absent.push_back(column);
        continue;
      }
      std::string help = DidYouMean(column, columns);
      if (help.empty()) help = "the columns are " + QuoteList(columns);
      SubjectColumn(column, given->span, help);
      continue;
    }
    SubjectDateColumn(column,
                      given != nullptr ? given->span : rule_.subject.span,
                      "`start:` and `end:` name the date columns that bound "
                      "a subject's service");
  }
  if (!absent.empty()) {
    Error("pack.unknown_column",
          "table " + Quote(table->name) + " has no column " + OrList(absent),
          rule_.subject.span, kBounds);
  }
  if (!ok_) return false;

  const std::string start = Word("start", "start_date");
  const std::string end = Word("end", "end_date");
  const std::string service =
      "[[" + row + "." + start + ", " + row + "." + end + "]]";
  // The comprehension's own name: `away` is its receiver, evaluated outside
  // it, so no name of the clerk's can clash with it.
  const std::string each = "away_row";
  // The away rows' spans come first, in a let of their own: it does not
  // depend on the period, so it is computed once per subject.
  return Finish(
      {{"away_spans", Cel("away") + ".map(" + each + ", [" + each + "." + start +
                          ", " + each + "." + end + "])"},
       {"service", "covered_days(period, " + service + ")"},
       {"away", "covered_days(period, " + service + ", away_spans)"},
       {"present", "service - away"},
       {"required", "ceil_div(" + Cel("at_least") + " * service, days(period))"}},
      Precondition() + "service > 0 && present < required",
      {"{present} days present in {period}, fewer than {required} (of "
       "{service} service days)",
       "{period}在岗{present}天，少于{required}天（服务{service}天）"});
}

}  // namespace zhucun::internal::kinds
