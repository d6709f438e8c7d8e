#ifndef ZHUCUN_SRC_ENGINE_ROW_NAME_H_
#define ZHUCUN_SRC_ENGINE_ROW_NAME_H_

#include <cstdint>
#include <string>

#include "zhucun/fact_table.h"

namespace zhucun::internal {

// The short name of row `row` of `t` (`members:M000001`): the table's name
// and the row's key (`key`: the key column's index, or -1), or its line in
// the file where it has no key. Records (RecordSource::RowName) and the
// subjects of findings are named this way.
inline std::string RowName(const FactTable& t, int key, uint32_t row) {
  std::string name;
  if (key >= 0) {
    const Column& c = t.column(static_cast<size_t>(key));
    if (c.type() == ColumnType::kString) {
      if (c.valid().empty() || c.valid()[row] != 0) {
        const std::string& k = c.dictionary()[static_cast<size_t>(c.int32s()[row])];
        name.reserve(t.name().size() + 1 + k.size());  // (one allocation at most)
        ((name += t.name()) += ':') += k;
        return name;  // (not the reference `+=` returns: that would be a copy)
      }
    } else {
      const Value v = c.Get(row);
      if (v.kind() == ValueKind::kString) {
        (name = t.name() + ':') += v.string_value();
        return name;
      }
    }
  }
  (name = t.name() + ':') += std::to_string(t.line(row));
  return name;
}

}  // namespace zhucun::internal

#endif  // ZHUCUN_SRC_ENGINE_ROW_NAME_H_
