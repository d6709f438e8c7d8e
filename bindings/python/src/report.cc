// A check's report handed to Python (zhucun/_api.py builds the DataFrames):
// the findings (and exempted findings) as lists of str, and each derived column in the form
// that costs least to turn into its pandas column.
//
// A derived column whose storage is typed hands its data over as it is
// held, not as cell texts: ints and bools as numpy arrays with a null mask
// (pandas' Int64 and boolean arrays take them without a loop), decimals,
// dates and strings as numpy object arrays whose rows share one Python
// object per distinct value — made once from the cell's text, exactly as
// the text path would (`decimal.Decimal("71.382")`), so the column is the
// same object for object. Other columns (mixed kinds, lists, `dyn`,
// periods, doubles) go as texts and _api.py converts them as before.

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "bindings.h"

namespace zhucun::python {

using namespace pybind11::literals;

namespace {

// A numpy object array of `n` rows whose row i is make(i) — a new
// reference or a borrowed one the caller keeps alive; `make` returns
// py::object, so either is counted right.
template <class Make>
py::array ObjectArray(size_t n, Make make) {
  py::array out = py::module_::import("numpy").attr("empty")(n, "dtype"_a = "O");
  auto** slots = static_cast<PyObject**>(out.mutable_data());
  for (size_t i = 0; i < n; ++i) {
    py::object o = make(i);
    Py_XDECREF(slots[i]);  // numpy filled the slot with None
    slots[i] = o.release().ptr();
  }
  return out;
}

// Row i's object from a cache keyed by `key(i)`; a key not seen yet gets
// convert(the cell's text). Null rows are None.
template <class Key, class KeyOf>
py::array CachedObjects(const DerivedTable& d, size_t c, KeyOf key_of,
                        const py::object& convert) {
  const Column& column = d.cells[c];
  const std::vector<uint8_t>& valid = column.valid();
  std::unordered_map<Key, py::object> cache;
  return ObjectArray(d.num_rows(), [&](size_t r) -> py::object {
    if (!valid.empty() && valid[r] == 0) return py::none();
    auto [it, added] = cache.try_emplace(key_of(r));
    if (added) it->second = convert(py::str(d.Text(r, c)));
    return it->second;
  });
}

// The rows' null mask as numpy bools (true where null), or None when none is.
py::object NullMask(const Column& column, size_t n) {
  const std::vector<uint8_t>& valid = column.valid();
  bool any = false;
  for (uint8_t v : valid) any |= v == 0;
  if (!any) return py::none();
  py::array_t<bool> mask(static_cast<py::ssize_t>(n));
  bool* out = mask.mutable_data();
  for (size_t i = 0; i < n; ++i) out[i] = valid[i] == 0;
  return mask;
}

// One derived column as (form, data, mask):
//   ("int", int64 array, mask or None)  — type `int`, stored as ints
//   ("bool", bool array, mask or None)  — type `bool`, stored as bools
//   ("objects", object array, None)     — decimals, dates, strings
//   ("texts", list of str, None)        — anything else, converted by _api.py
py::tuple ColumnToPy(const DerivedTable& d, size_t c) {
  const Column& column = d.cells[c];
  const std::string& type = d.types[c];
  const size_t n = d.num_rows();
  if (type == "int" && column.type() == ColumnType::kInt) {
    py::array_t<int64_t> values(static_cast<py::ssize_t>(n));
    if (n > 0) std::memcpy(values.mutable_data(), column.ints().data(), n * sizeof(int64_t));
    return py::make_tuple("int", values, NullMask(column, n));
  }
  if (type == "bool" && column.type() == ColumnType::kBool) {
    py::array_t<bool> values(static_cast<py::ssize_t>(n));
    bool* out = values.mutable_data();
    for (size_t i = 0; i < n; ++i) out[i] = column.bools()[i] != 0;
    return py::make_tuple("bool", values, NullMask(column, n));
  }
  if (type == "decimal" && column.type() == ColumnType::kDecimal) {
    const int64_t* coefficients = column.ints().data();
    return py::make_tuple(
        "objects",
        CachedObjects<int64_t>(d, c, [&](size_t r) { return coefficients[r]; },
                               py::module_::import("decimal").attr("Decimal")),
        py::none());
  }
  if (type == "date" && column.type() == ColumnType::kDate) {
    const int32_t* days = column.int32s().data();
    return py::make_tuple(
        "objects",
        CachedObjects<int32_t>(d, c, [&](size_t r) { return days[r]; },
                               py::module_::import("datetime").attr("date").attr("fromisoformat")),
        py::none());
  }
  const bool typed = type == "int" || type == "bool" || type == "decimal" || type == "date" ||
                     type == "double";
  if (!typed && column.type() == ColumnType::kString) {
    // A str column: every row's text as it is, "" for null (as the texts).
    const std::vector<std::string>& dictionary = column.dictionary();
    const std::vector<uint8_t>& valid = column.valid();
    const int32_t* codes = column.int32s().data();
    std::vector<py::object> strings(dictionary.size());
    py::str empty("");
    return py::make_tuple("objects", ObjectArray(n, [&](size_t r) -> py::object {
                            if (!valid.empty() && valid[r] == 0) return empty;
                            py::object& s = strings[static_cast<size_t>(codes[r])];
                            if (!s) s = py::str(dictionary[static_cast<size_t>(codes[r])]);
                            return s;
                          }),
                          py::none());
  }
  py::list texts(n);
  for (size_t r = 0; r < n; ++r) texts[r] = py::str(d.Text(r, c));
  return py::make_tuple("texts", texts, py::none());
}

// Each item's field `field` as a list of str; values that repeat (rules,
// severities, periods) share one str.
template <class Item, class Field>
py::list Strings(const std::vector<Item>& items, Field field, bool repeats) {
  py::list out(items.size());
  std::unordered_map<std::string_view, py::object> seen;
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string& text = field(items[i]);
    if (!repeats) {
      out[i] = py::str(text);
      continue;
    }
    auto [it, added] = seen.try_emplace(text);
    if (added) it->second = py::str(text);
    out[i] = it->second;
  }
  return out;
}

// The five fields of each item's finding (finding_of(item)) as lists.
template <class Item, class FindingOf>
py::dict FindingFields(const std::vector<Item>& items, FindingOf finding_of) {
  const auto field = [&](std::string Finding::*member, bool repeats) {
    return Strings(
        items, [&](const Item& x) -> const std::string& { return finding_of(x).*member; },
        repeats);
  };
  return py::dict("rule"_a = field(&Finding::rule, true),
                  "subject"_a = field(&Finding::subject, false),
                  "period"_a = field(&Finding::period, true),
                  "severity"_a = field(&Finding::severity, true),
                  "message"_a = field(&Finding::message, false));
}

}  // namespace

py::list DerivedToPy(const std::vector<DerivedTable>& tables) {
  py::list out;
  for (const DerivedTable& d : tables) {
    py::list columns;
    for (size_t c = 0; c < d.columns.size(); ++c) columns.append(ColumnToPy(d, c));
    out.append(py::dict("name"_a = d.name, "columns"_a = d.columns, "types"_a = d.types,
                        "cells"_a = columns, "key"_a = d.key));
  }
  return out;
}

py::dict FindingsToPy(const std::vector<Finding>& findings) {
  return FindingFields(findings, [](const Finding& f) -> const Finding& { return f; });
}

py::dict ExemptionsToPy(const std::vector<Exemption>& exempted) {
  py::dict out =
      FindingFields(exempted, [](const Exemption& x) -> const Finding& { return x.finding; });
  out["exception"] = Strings(
      exempted, [](const Exemption& x) -> const std::string& { return x.exception; }, true);
  return out;
}

}  // namespace zhucun::python
