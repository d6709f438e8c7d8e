#ifndef ZHUCUN_SRC_ENGINE_SUBJECTS_H_
#define ZHUCUN_SRC_ENGINE_SUBJECTS_H_

// The subjects a rule judges (Policy::Check, check.cc): the rows of its
// table, the groups of a column, or the prefecture; named and bound to the
// rule's `as` one at a time.

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "engine/policy_impl.h"
#include "engine/row_name.h"
#include "zhucun/fact_table.h"
#include "zhucun/records.h"
#include "zhucun/value.h"

namespace zhucun::internal {

// One subject of a rule: its name and the value bound to the rule's `as`
// (a row, a list of rows, or null for the prefecture).
struct SubjectValue {
  std::string name;
  Value value;
};

// The subjects of a rule, in table (or group) order, made one at a time so
// that only the subjects being evaluated are in memory.
class Subjects {
 public:
  Subjects(const CompiledRule& rule, const RecordSet& records)
      : spec_(rule.spec.subject), records_(records) {
    table_ = records.facts().table(spec_.table);
    switch (spec_.kind) {
      case SubjectSpec::Kind::kPrefecture:
        size_ = 1;
        break;
      case SubjectSpec::Kind::kTable:
        if (table_ == nullptr) break;
        size_ = table_->num_rows();
        key_index_ = table_->schema().ColumnIndex(table_->schema().key);
        break;
      case SubjectSpec::Kind::kGroup:
        if (table_ == nullptr) break;
        groups_ = &table_->Groups(spec_.group_by);  // (kept with the facts)
        key_ = table_->column(spec_.group_by);
        size_ = groups_->size();
        break;
    }
  }

  size_t size() const { return size_; }
  // A rule on groups: the groups, in subject order (else null).
  const GroupIndex* groups() const {
    return spec_.kind == SubjectSpec::Kind::kGroup ? groups_ : nullptr;
  }
  // Whether the i-th subject is an empty group (no subject: Name is empty).
  bool Empty(size_t i) const {
    return spec_.kind == SubjectSpec::Kind::kGroup &&
           groups_->offsets[i] == groups_->offsets[i + 1];
  }

  // The name of the i-th subject: `prefecture` (or the subject's label),
  // `<table>:<key>` for row i of a table (the label for the table if the
  // subject has one), `<label>:<value>` for a group; empty for an empty
  // group (no subject).
  std::string Name(size_t i) const {
    switch (spec_.kind) {
      case SubjectSpec::Kind::kPrefecture:
        return spec_.label.empty() ? "prefecture" : spec_.label;
      case SubjectSpec::Kind::kTable: {
        std::string name = RowName(*table_, key_index_, static_cast<uint32_t>(i));
        if (!spec_.label.empty() && spec_.label != spec_.table) {
          name = spec_.label + name.substr(name.find(':'));
        }
        return name;
      }
      case SubjectSpec::Kind::kGroup:
        if (groups_->offsets[i] == groups_->offsets[i + 1]) return {};
        return spec_.label + ":" + Text(key_->Get(groups_->row(groups_->offsets[i])));
    }
    return {};
  }

  // The names of the subjects `which` (ascending, few among many), as
  // Name gives them. The memory of the keys is fetched ahead of the
  // naming (the codes 2 * kAhead subjects ahead, their keys kAhead), so
  // that the cache misses overlap instead of coming one after another.
  std::vector<std::string> Names(const std::vector<uint32_t>& which) const {
    const int32_t* codes = nullptr;
    const std::string* dictionary = nullptr;
    if (spec_.kind == SubjectSpec::Kind::kTable && key_index_ >= 0 &&
        table_->column(static_cast<size_t>(key_index_)).type() == ColumnType::kString) {
      const Column& key = table_->column(static_cast<size_t>(key_index_));
      codes = key.int32s().data();
      dictionary = key.dictionary().data();
    }
    constexpr size_t kAhead = 16;
    std::vector<std::string> names;
    names.reserve(which.size());
    for (size_t n = 0; n < which.size(); ++n) {
      if (codes != nullptr) {
        if (n + 2 * kAhead < which.size()) __builtin_prefetch(codes + which[n + 2 * kAhead]);
        if (n + kAhead < which.size()) __builtin_prefetch(dictionary + codes[which[n + kAhead]]);
      }
      names.push_back(Name(which[n]));
    }
    return names;
  }

  // The value bound to the rule's `as` for the i-th subject: its row, the
  // list of its group's rows, or null for the prefecture.
  Value Bound(size_t i) const {
    switch (spec_.kind) {
      case SubjectSpec::Kind::kPrefecture:
        return Value();
      case SubjectSpec::Kind::kTable:
        return records_.Row(spec_.table, static_cast<uint32_t>(i));
      case SubjectSpec::Kind::kGroup: {
        ValueList rows;
        for (uint32_t k = groups_->offsets[i]; k < groups_->offsets[i + 1]; ++k) {
          rows.push_back(records_.Row(spec_.table, groups_->row(k)));
        }
        return Value::List(std::move(rows));
      }
    }
    return Value();
  }

  // The i-th subject; an empty group has an empty name (and no subject).
  SubjectValue Get(size_t i) const {
    std::string name = Name(i);
    if (name.empty()) return {};
    return {std::move(name), Bound(i)};
  }

 private:
  const SubjectSpec& spec_;
  const RecordSet& records_;
  const FactTable* table_ = nullptr;
  int key_index_ = -1;  // kTable: the key column, or -1
  size_t size_ = 0;
  const GroupIndex* groups_ = nullptr;  // kGroup: the table's (FactTable::Groups)
  const Column* key_ = nullptr;
};

}  // namespace zhucun::internal

#endif  // ZHUCUN_SRC_ENGINE_SUBJECTS_H_
