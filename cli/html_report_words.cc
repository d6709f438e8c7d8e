// The page's words (html_report_internal.h): every word the page shows
// comes from this one table, in English and in Chinese. A `{name}` hole is
// filled by Say.

#include <string>
#include <utility>
#include <vector>

#include "html_report_internal.h"

namespace zhucun::cli::html_report {

const Words kWords{
    .report{"Check report", "检查报告"},
    .pack{"Pack", "政策包"},
    .data{"Data", "数据"},
    .as_of{"As of", "检查日期"},
    .window{"Window", "检查区间"},
    .self_contained{"Written by zhucun; this page needs no network.",
                    "由 zhucun 生成；本页无需联网。"},
    .colon{": ", "："},
    .contents{"Contents", "目录"},
    .totals{"Totals", "总计"},
    .findings{"Findings", "发现"},
    .errors{"Errors", "错误"},
    .warnings{"Warnings", "警告"},
    .exempted{"Exempted", "被豁免"},
    .exception_records{"Exception records", "例外记录"},
    .subjects{"Subjects with findings", "有发现的对象"},
    .rules_fired{"Rules with findings", "有发现的规则"},
    .totals_check{"Findings counted by this page's script:", "本页脚本统计的发现数："},
    .by_group{"Findings by {by}", "按{by}统计发现"},
    .no_group{"(no {by})", "（无{by}）"},
    .all_groups{"Every {by}", "全部{by}"},
    .by_rule{"Findings by rule", "按规则统计发现"},
    .sort_hint{"Click a column heading to sort.", "点击列标题排序。"},
    .rule{"Rule", "规则"},
    .title{"Title", "标题"},
    .severity{"Severity", "严重程度"},
    .count{"Findings", "发现数"},
    .total{"Total", "合计"},
    .error{"error", "错误"},
    .warning{"warning", "警告"},
    .visits{"Leader visits: compliance by quarter", "领导到村调研：按季度达标情况"},
    .visits_how{"A leader is due in a period when the rule judges that period and every "
                "condition of its when other than the visit count holds (each leader and "
                "period as the engine explains it); compliance is the share of due "
                "leader-periods that met the quota, and those that missed it are the "
                "rule's findings.",
                "某领导在某期间“应调研”，指规则评判该期间，且除调研次数外其 when "
                "的各项条件均成立（按引擎对每位领导、每个期间的解释）；达标率为应调研的"
                "领导期间中达到次数要求的比例，未达标者即该规则的发现。"},
    .per_period{"{rule}: {title}, per {period}", "{rule}：{title}（每{period}）"},
    .quarter{"quarter", "季度"},
    .half{"half-year", "半年"},
    .year_period{"year", "年"},
    .month{"month", "月"},
    .period{"Period", "期间"},
    .due{"Due", "应调研"},
    .met{"Met", "达标"},
    .missed{"Missed", "未达标"},
    .compliance{"Compliance", "达标率"},
    .scores{"Composite scores and grades per year", "综合得分与等次（按年度）"},
    .scores_how{"From the derived table {table}: the histograms count the {score} of each "
                "year in bins of 5 points (a bin holds its lower bound; the last also "
                "holds 100), and the bars split each year's rows by {grade}.",
                "数据来自派生表 {table}：直方图按每5分一档统计各年度的 {score}（每档含下限，"
                "最后一档含100分），条形图按 {grade} 划分各年度的记录。"},
    .score_outside{"{n} outside 0–100", "{n} 条超出0–100"},
    .grades{"Grades", "等次"},
    .year{"Year", "年度"},
    .rows{"Rows", "条数"},
    .year_rows{"{year}: {n} rows", "{year}年：{n}条"},
    .all_findings{"All findings", "全部发现"},
    .click_hint{"Click a finding to see why the rule fired.", "点击一条发现，查看规则为何触发。"},
    .explained_note{"The explanations of the first {n} findings of each rule are in this page "
                    "({k} of {total}); each other finding shows the command that explains it.",
                    "本页包含每条规则前 {n} 条发现的解释（共 {k} / {total} 条）；其余发现显示"
                    "可解释它的命令。"},
    .all_rules{"Every rule", "全部规则"},
    .search{"Search subjects and messages", "搜索对象和内容"},
    // Around the number of findings the filters leave: "138 shown", "显示 138 条".
    .shown_before{"", "显示 "},
    .shown_after{" shown", " 条"},
    .subject{"Subject", "对象"},
    .message{"Message", "内容"},
    .not_explained{"Not explained in this page; this command explains it:",
                   "本页未包含此条的解释；可用以下命令查看："},
    .explain_failed{"Could not explain this finding:", "无法解释此条发现："},
    .source{"Source", "政策条款"},
    .periods{"Periods", "期间"},
    .values{"Values", "取值"},
    .conditions{"Conditions", "条件"},
    .is_true{"true", "成立"},
    .is_false{"false", "不成立"},
    .first_false{"the first false", "首个不成立"},
    .exempted_findings{"Exempted findings", "被豁免的发现"},
    .exception{"Exception", "例外"},
    .no_findings{"No findings.", "没有发现。"},
};

std::string Say::operator()(const Word& w,
                            const std::vector<std::pair<std::string, std::string>>& holes) const {
  std::string s = (*this)(w);
  for (const auto& [name, value] : holes) {
    const std::string hole = "{" + name + "}";
    for (size_t at = s.find(hole); at != std::string::npos; at = s.find(hole, at + value.size())) {
      s.replace(at, hole.size(), value);
    }
  }
  return s;
}

const char* Say::Severity(const std::string& severity) const {
  return severity == "error" ? (*this)(kWords.error) : (*this)(kWords.warning);
}

}  // namespace zhucun::cli::html_report
