// Shared by the files of the `zhucun._zhucun` extension module: the objects
// it wraps and how diagnostics become Python exceptions.
//
// The module is thin: it holds a compiled Policy and FactSets, runs them
// with the GIL released, and hands results to the pure-Python package
// (bindings/python/zhucun) as dicts and lists, which builds the DataFrames
// and exception objects users see.

#ifndef ZHUCUN_BINDINGS_PYTHON_BINDINGS_H_
#define ZHUCUN_BINDINGS_PYTHON_BINDINGS_H_

#include <pybind11/pybind11.h>

#include <memory>
#include <string>
#include <vector>

#include "zhucun/diagnostic.h"
#include "zhucun/engine.h"
#include "zhucun/fact_table.h"
#include "zhucun/source.h"

namespace zhucun::python {

namespace py = pybind11;

// A loaded policy and the pack texts its diagnostics point into. Both are
// immutable after loading, so that one object serves several Python
// threads at once.
struct PyPolicy {
  std::shared_ptr<const SourceManager> sources;
  std::shared_ptr<const Policy> policy;
};

// Facts built once and shared by a check, its report and its explanations.
struct PyFacts {
  std::shared_ptr<const FactSet> facts;
};

// The diagnostics as a list of dicts (severity, code, message, help, file,
// line, column, rendered, and the data cell when there is one).
py::list DiagnosticsToPy(const Diagnostics& diags, const SourceManager& sources);

// Raises the exception class `name` of zhucun._errors (RuleError,
// InputError, Error) with `summary` and the diagnostics.
[[noreturn]] void Raise(const char* name, const std::string& summary,
                        const Diagnostics& diags, const SourceManager& sources);

// Builds a FactSet from the columns the Python package prepared
// (columns.cc; see zhucun/_frames.py for the form of `tables`).
PyFacts BuildFacts(const PyPolicy& policy, const py::list& tables, bool lenient,
                   const py::tuple& null_values);

// A report's findings as a dict of five lists of str (rule, subject,
// period, severity, message), its exempted findings as the same and
// `exception`, and its derived tables as dicts whose `cells` hold each
// column as (form, data, mask) (report.cc).
py::dict FindingsToPy(const std::vector<Finding>& findings);
py::dict ExemptionsToPy(const std::vector<Exemption>& exempted);
py::list DerivedToPy(const std::vector<DerivedTable>& tables);

}  // namespace zhucun::python

#endif  // ZHUCUN_BINDINGS_PYTHON_BINDINGS_H_
