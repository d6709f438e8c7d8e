// Facts from data-frame columns (PyPolicy.build_facts): zhucun/_frames.py
// turns each DataFrame column into one of the forms of ColumnInput, numeric
// and date columns as numpy arrays that cross without a loop in Python;
// here object columns become cell texts (a loop in C++, with the GIL held,
// since it reads Python objects), then the FactSetBuilder validates every
// cell exactly as the CSV reader does, with the GIL released.

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
// The datetime C API, for date and datetime cells.
#include <datetime.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "bindings.h"

namespace zhucun::python {

namespace {

// The cells of an object column as texts ("" where null), with the strings
// made here kept alive in `owned` (a deque: its elements never move).
struct TextCells {
  std::vector<std::string_view> texts;
  std::vector<uint8_t> valid;
};

// The shortest text that reads back as `v`, in plain (not exponent) form.
std::string DoubleText(double v) {
  char buf[400];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  if (ec != std::errc()) return "nan";
  return std::string(buf, end);
}

class ObjectReader {
 public:
  ObjectReader(const py::tuple& null_values) : null_values_(null_values) {
    if (PyDateTimeAPI == nullptr) PyDateTime_IMPORT;
    if (PyDateTimeAPI == nullptr) throw py::error_already_set();
    decimal_ = py::module_::import("decimal").attr("Decimal");
    numpy_bool_ = py::module_::import("numpy").attr("bool_");
  }

  TextCells Read(const py::array& column, std::deque<std::string>* owned) {
    const py::ssize_t n = column.size();
    TextCells cells;
    cells.texts.resize(static_cast<size_t>(n));
    cells.valid.assign(static_cast<size_t>(n), 1);
    PyObject* const* objects = static_cast<PyObject* const*>(column.data());
    for (py::ssize_t i = 0; i < n; ++i) {
      PyObject* o = objects[i];
      std::string_view& text = cells.texts[static_cast<size_t>(i)];
      if (PyUnicode_Check(o)) {
        Py_ssize_t size = 0;
        const char* utf8 = PyUnicode_AsUTF8AndSize(o, &size);
        if (utf8 == nullptr) throw py::error_already_set();
        text = std::string_view(utf8, static_cast<size_t>(size));
        continue;
      }
      if (IsNull(o)) {
        cells.valid[static_cast<size_t>(i)] = 0;
        continue;
      }
      if (PyBool_Check(o)) {
        text = o == Py_True ? "true" : "false";
        continue;
      }
      if (PyObject_IsInstance(o, numpy_bool_.ptr()) == 1) {  // str() is `True`
        text = PyObject_IsTrue(o) == 1 ? "true" : "false";
        continue;
      }
      if (PyFloat_Check(o)) {
        text = owned->emplace_back(DoubleText(PyFloat_AS_DOUBLE(o)));
        continue;
      }
      if (PyDate_Check(o)) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", PyDateTime_GET_YEAR(o),
                      PyDateTime_GET_MONTH(o), PyDateTime_GET_DAY(o));
        text = owned->emplace_back(buf);
        continue;
      }
      py::handle h(o);
      if (PyObject_IsInstance(o, decimal_.ptr()) == 1) {
        // Plain notation (`1E+3` would not be a decimal cell); NaN is null.
        if (h.attr("is_nan")().cast<bool>()) {
          cells.valid[static_cast<size_t>(i)] = 0;
          continue;
        }
        PyObject* formatted = PyObject_Format(o, format_f_.ptr());
        if (formatted == nullptr) throw py::error_already_set();
        text = owned->emplace_back(py::reinterpret_steal<py::str>(formatted).cast<std::string>());
        continue;
      }
      // int, numpy integers, pandas Period, ...: their str() is checked like
      // any cell text.
      text = owned->emplace_back(py::str(h).cast<std::string>());
    }
    return cells;
  }

 private:
  bool IsNull(PyObject* o) const {
    if (o == Py_None) return true;
    if (PyFloat_Check(o) && std::isnan(PyFloat_AS_DOUBLE(o))) return true;
    for (const py::handle& v : null_values_) {
      if (o == v.ptr()) return true;
    }
    return false;
  }

  py::tuple null_values_;  // pandas.NA, pandas.NaT
  py::object decimal_;
  py::object numpy_bool_;
  py::str format_f_{"f"};
};

ColumnInput::Form FormOf(const std::string& form) {
  if (form == "object") return ColumnInput::Form::kText;
  if (form == "int") return ColumnInput::Form::kInt;
  if (form == "scaled") return ColumnInput::Form::kScaled;
  if (form == "double") return ColumnInput::Form::kDouble;
  if (form == "days") return ColumnInput::Form::kDays;
  if (form == "months") return ColumnInput::Form::kMonths;
  if (form == "bool") return ColumnInput::Form::kBool;
  throw py::value_error("unknown column form `" + form + "`");
}

// One table's columns, with everything their pointers point into.
struct TableColumns {
  std::string table;
  size_t rows = 0;
  std::vector<ColumnInput> inputs;
  std::vector<py::object> arrays;  // numpy arrays the inputs point into
  std::deque<TextCells> texts;     // object columns read
  // When given (a fourth item: the line of each row, zhucun.dask): the rows'
  // lines; else row i is on line i + 2, as in a CSV file of the frame.
  std::optional<std::vector<uint32_t>> lines;
};

}  // namespace

PyFacts BuildFacts(const PyPolicy& policy, const py::list& tables, bool lenient,
                   const py::tuple& null_values) {
  ObjectReader reader(null_values);
  std::deque<std::string> owned;
  std::deque<TableColumns> prepared;  // a deque: the inputs point into its elements
  for (const py::handle& t : tables) {
    const py::tuple table = t.cast<py::tuple>();
    TableColumns& tc = prepared.emplace_back();
    tc.table = table[0].cast<std::string>();
    tc.rows = table[1].cast<size_t>();
    if (table.size() > 3 && !table[3].is_none()) {
      const auto a = table[3].cast<py::array_t<uint32_t, py::array::c_style | py::array::forcecast>>();
      tc.lines.emplace(a.data(), a.data() + a.size());
    }
    for (const py::handle& c : table[2].cast<py::list>()) {
      const py::tuple column = c.cast<py::tuple>();
      ColumnInput input;
      input.name = column[0].cast<std::string>();
      input.form = FormOf(column[1].cast<std::string>());
      input.scale = column[4].cast<int>();
      const py::handle data = column[2];
      switch (input.form) {
        case ColumnInput::Form::kText: {
          auto array = py::array::ensure(data);
          if (!array || array.dtype().kind() != 'O' || array.ndim() != 1 ||
              static_cast<size_t>(array.size()) != tc.rows) {
            throw py::value_error("column `" + input.name + "`: expected " +
                                  std::to_string(tc.rows) + " Python objects");
          }
          tc.arrays.push_back(array);
          TextCells& cells = tc.texts.emplace_back(reader.Read(array, &owned));
          input.texts = cells.texts.data();
          input.valid = cells.valid.data();
          break;
        }
        case ColumnInput::Form::kDouble: {
          auto array = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(data);
          if (!array || static_cast<size_t>(array.size()) != tc.rows) {
            throw py::value_error("column `" + input.name + "`: expected " +
                                  std::to_string(tc.rows) + " floats");
          }
          input.doubles = array.data();
          tc.arrays.push_back(array);
          break;
        }
        default: {
          auto array = py::array_t<int64_t, py::array::c_style | py::array::forcecast>::ensure(data);
          if (!array || static_cast<size_t>(array.size()) != tc.rows) {
            throw py::value_error("column `" + input.name + "`: expected " +
                                  std::to_string(tc.rows) + " integers");
          }
          input.ints = array.data();
          tc.arrays.push_back(array);
          break;
        }
      }
      const py::handle valid = column[3];
      if (!valid.is_none()) {
        auto mask = py::array_t<uint8_t, py::array::c_style | py::array::forcecast>::ensure(valid);
        if (!mask || static_cast<size_t>(mask.size()) != tc.rows) {
          throw py::value_error("column `" + input.name + "`: a validity mask of " +
                                std::to_string(tc.rows) + " entries expected");
        }
        if (input.form == ColumnInput::Form::kText) {
          // Both: null where the object is null or the mask says so.
          TextCells& cells = tc.texts.back();
          const uint8_t* m = mask.data();
          for (size_t i = 0; i < tc.rows; ++i) cells.valid[i] &= m[i] != 0;
        } else {
          input.valid = mask.data();
        }
        tc.arrays.push_back(mask);
      }
      tc.inputs.push_back(std::move(input));
    }
  }

  std::optional<Result<FactSet>> facts;
  {
    py::gil_scoped_release release;
    FactSetBuilder builder(policy.policy->schema());
    for (const TableColumns& tc : prepared) {
      // Line numbers as in a CSV file of the frame (header on line 1), so
      // that a frame read from a file with pandas names rows as the CLI does.
      if (tc.lines) {
        builder.AddColumns(tc.table, tc.rows, tc.inputs, *tc.lines);
      } else {
        builder.AddColumns(tc.table, tc.rows, tc.inputs, 2);
      }
    }
    facts.emplace(builder.Finish(lenient ? Strictness::kLenient : Strictness::kStrict));
  }
  if (!facts->ok()) {
    Raise("InputError", "the data frames are not valid input", facts->diagnostics(),
          SourceManager{});
  }
  return PyFacts{std::make_shared<const FactSet>(std::move(*facts).value())};
}

}  // namespace zhucun::python
