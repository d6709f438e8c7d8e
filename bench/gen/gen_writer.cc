// The date cache, and the defects injected into rows (see gen_writer.h).

#include "gen_writer.h"

namespace zhucun::gen::internal {

DateCache::DateCache()
    : lo_(DaysFromCivil(1990, 1, 1)), hi_(DaysFromCivil(2060, 12, 31)) {
  text_.resize(static_cast<size_t>(hi_ - lo_ + 1) * 10);
  for (int32_t d = lo_; d <= hi_; ++d)
    Format(d, &text_[static_cast<size_t>(d - lo_) * 10]);
}

void DateCache::Format(int32_t day, char* p) {
  const Civil c = CivilFromDays(day);
  char buf[48];  // room for any three ints (no truncation warning)
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", c.y % 10000, c.m, c.d);
  std::memcpy(p, buf, 10);
}

void Defects::Row(Writer& w) {
  const TableSpec& spec = *w.spec_;
  const size_t n = static_cast<size_t>(w.nfields_);
  std::string_view row =
      w.buf_.view(w.row_start_, w.buf_.size() - w.row_start_);
  auto field = [&](size_t i) {
    const size_t b = w.field_start_[i];
    const size_t e = i + 1 < n ? w.field_start_[i + 1] - 1 : row.size();
    return std::string(row.substr(b, e - b));
  };
  const bool bad = rng_.Below(1000000000) < threshold_;
  if (!bad) {
    w.last_key_.clear();
    for (size_t i = 0; i < n; ++i)
      if (spec.cols[i].key) w.last_key_.push_back(field(i));
    return;
  }
  std::vector<std::string> fields;
  fields.reserve(n);
  for (size_t i = 0; i < n; ++i) fields.push_back(field(i));

  // Applicable (kind, column) pairs, weighted by kind.
  struct Choice {
    Kind kind;
    int column;
    int weight;
  };
  std::vector<Choice> choices;
  bool has_key = false;
  for (size_t i = 0; i < n; ++i) {
    const ColumnSpec& c = spec.cols[i];
    const int col = static_cast<int>(i);
    has_key = has_key || c.key;
    if (!c.null_ok) choices.push_back({kNull, col, 10});
    switch (c.type) {
      case Col::kDate:
      case Col::kMonth:
        if (!fields[i].empty()) choices.push_back({kBadDate, col, 20});
        break;
      case Col::kCode:
        if (!fields[i].empty()) choices.push_back({kBadCode, col, 15});
        break;
      case Col::kRef:
        choices.push_back({kDangling, col, 20});
        break;
      case Col::kInt:
      case Col::kDec:
      case Col::kBool:
        if (!fields[i].empty()) choices.push_back({kBadNumber, col, 10});
        break;
      default:
        break;
    }
  }
  if (has_key && !w.last_key_.empty()) choices.push_back({kDuplicate, -1, 15});
  if (n > 1) choices.push_back({kTooFew, -1, 10});
  if (std::string_view(spec.name) == "members")
    choices.push_back({kReason, -1, 8});

  int total = 0;
  for (const Choice& c : choices) total += c.weight;
  int r = static_cast<int>(rng_.Below(static_cast<uint64_t>(total)));
  Choice pick = choices.back();
  for (const Choice& c : choices) {
    if (r < c.weight) {
      pick = c;
      break;
    }
    r -= c.weight;
  }

  std::string out;
  switch (pick.kind) {
    case kDuplicate: {
      size_t k = 0;
      for (size_t i = 0; i < n; ++i)
        if (spec.cols[i].key) fields[i] = w.last_key_[k++];
      break;
    }
    case kTooFew:
      fields.pop_back();
      break;
    case kReason: {
      // end_date (7) and end_reason (8): set exactly one of them.
      if (fields[7].empty()) {
        fields[8] = "term_complete";
      } else {
        fields[8].clear();
      }
      break;
    }
    case kNull:
      fields[static_cast<size_t>(pick.column)].clear();
      break;
    default: {
      const size_t i = static_cast<size_t>(pick.column);
      std::string v = Mutate(pick.kind, spec.cols[i].type, fields[i]);
      fields[i].clear();
      AppendCsvField(fields[i], v);
      break;
    }
  }
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += fields[i];
  }
  w.buf_.Truncate(w.row_start_);
  w.buf_.append(out);
  ++count_;
}

std::string Defects::Mutate(Kind kind, Col type, const std::string& v) {
  switch (kind) {
    case kBadDate: {
      const std::string y = v.substr(0, 4);
      if (type == Col::kMonth) {
        switch (rng_.Below(3)) {
          case 0:
            return y + "-13";
          case 1:
            return y + "/" + v.substr(5, 2);
          default:
            return y + "-" + std::to_string(std::stoi(v.substr(5, 2))) + "月";
        }
      }
      switch (rng_.Below(6)) {
        case 0:
          return y + "-02-30";
        case 1:
          return y + "-04-31";
        case 2:
          return y + "/" + v.substr(5, 2) + "/" + v.substr(8, 2);
        case 3:
          return " " + v;
        case 4:
          return y + "-13-" + v.substr(8, 2);
        default:
          return y + "年" + v.substr(5, 2) + "月" + v.substr(8, 2) + "日";
      }
    }
    case kBadCode: {
      switch (rng_.Below(4)) {
        case 0: {
          std::string s = v;
          if (s[0] >= 'a' && s[0] <= 'z')
            s[0] = static_cast<char>(s[0] - 'a' + 'A');
          return s;
        }
        case 1:
          return v + " ";
        case 2:
          return "unknown";
        default: {
          // Chinese labels in place of the codes (a common export mistake).
          static const std::pair<const char*, const char*> kLabels[] = {
              {"first_secretary", "第一书记"},
              {"resident_cadre", "驻村干部"},
              {"poor", "贫困村"},
              {"ordinary", "一般村"},
              {"term_complete", "期满"},
              {"job_transfer", "工作调动"},
              {"principal", "主要领导"},
              {"deputy", "分管领导"},
              {"excellent", "优秀"},
              {"funds", "资金"},
              {"official_out", "报备外出"},
              {"leave", "请假"},
              {"absent", "擅自离岗"}};
          for (const auto& [code, label] : kLabels)
            if (v == code) return label;
          return v + "_x";
        }
      }
    }
    case kDangling: {
      // An extra zero after the prefix: never produced by the id format.
      size_t p = 0;
      while (p < v.size() && (v[p] < '0' || v[p] > '9')) ++p;
      return v.substr(0, p) + "0" + v.substr(p);
    }
    case kBadNumber: {
      if (type == Col::kBool) {
        static const char* kBad[] = {"yes", "TRUE", "Y", "对"};
        return kBad[rng_.Below(4)];
      }
      if (type == Col::kInt) {
        static const char* kBad[] = {"2.0", "两", "1 ", "+1"};
        return kBad[rng_.Below(4)];
      }
      // Decimal.
      switch (rng_.Below(4)) {
        case 0: {
          // Thousands separator.
          const size_t dot = v.find('.');
          const std::string whole =
              v.substr(0, dot == std::string::npos ? v.size() : dot);
          if (whole.size() > 3 && whole[0] != '-')
            return whole.substr(0, whole.size() - 3) + "," +
                   whole.substr(whole.size() - 3) +
                   (dot == std::string::npos ? "" : v.substr(dot));
          return v + "元";
        }
        case 1: {
          // Three fractional digits.
          const size_t dot = v.find('.');
          if (dot == std::string::npos) return v + ".005";
          return v + (v.size() - dot - 1 == 1 ? "05" : "5");
        }
        case 2:
          return "¥" + v;
        default:
          return v + "元";
      }
    }
    default:
      return v;
  }
}

}  // namespace zhucun::gen::internal
