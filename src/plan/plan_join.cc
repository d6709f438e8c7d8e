// A plan's joins (plan_runner.h): a frame's rows with the rows of a
// relation (index spans, composed, filtered, hashed on an equality) or the
// elements of a list, and the comprehensions over them grouped back.

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "plan/plan_ir.h"
#include "plan/plan_kernels.h"
#include "plan/plan_runner.h"

namespace zhucun::internal {

namespace {

// The elements `in` (ascending indexes) of *v, in place.
template <typename T>
void KeepAt(const std::vector<uint32_t>& in, std::vector<T>* v) {
  for (size_t x = 0; x < in.size(); ++x) (*v)[x] = (*v)[in[x]];
  v->resize(in.size());
}

}  // namespace

Frame Rows(const Frame& f, const std::vector<uint32_t>& rows) {
  Frame out;
  out.n = rows.size();
  out.vars.resize(f.vars.size());
  const size_t n = rows.size();
  for (size_t s = 0; s < f.vars.size(); ++s) {
    if (f.vars[s].empty()) continue;
    out.vars[s].resize(n);
    const int32_t* from = f.vars[s].data();
    int32_t* to = out.vars[s].data();
    for (size_t j = 0; j < n; ++j) to[j] = from[rows[j]];
  }
  out.values.resize(f.values.size());
  for (size_t s = 0; s < f.values.size(); ++s) {
    if (!f.values[s].st.empty()) out.values[s] = Gather(f.values[s], rows);
  }
  if (!f.periods.empty()) {
    out.periods.resize(n);
    for (size_t j = 0; j < n; ++j) out.periods[j] = f.periods[rows[j]];
  }
  out.steps.assign(out.n, 0);
  return out;
}

Frame Slice(const Frame& f, size_t begin, size_t end) {
  std::vector<uint32_t> rows(end - begin);
  for (size_t j = 0; j < rows.size(); ++j) rows[j] = static_cast<uint32_t>(begin + j);
  return Rows(f, rows);
}

// The map steps of listing a composed relation's rows of `row` (none for
// a relation read as it is).
uint64_t Runner::ListingSteps(const PNode& rel, int64_t row) {
  if (rel.steps == nullptr || static_cast<size_t>(row) >= rel.steps->size()) return 0;
  return (*rel.steps)[static_cast<size_t>(row)];
}

std::pair<uint32_t, uint32_t> Runner::Span(const GroupIndex& g, int64_t row) {
  const auto r = static_cast<size_t>(row);
  if (r + 1 >= g.offsets.size()) return {0, 0};
  return {g.offsets[r], g.offsets[r + 1]};
}

Vec Runner::RelSize(const PNode& n, Frame& f) {
  const PNode& rel = plan_.nodes[static_cast<size_t>(n.kids[0])];
  Vec out;
  Resize(&out, K::kInt, f.n);
  if (rel.op == Op::kRelFilter) {  // the rows its predicate keeps
    const std::shared_ptr<Joined> j = JoinOnce(n.kids[0], rel.slot, f);
    for (size_t i = 0; i < f.n; ++i) {
      if (j->known[i] == 0) continue;
      out.st[i] = kValueRow;
      out.i[i] = 0;
    }
    for (uint32_t i : j->parent_of) ++out.i[i];
    return out;
  }
  const Vec& parents = Eval(rel.kids[0], f);
  for (size_t i = 0; i < f.n; ++i) {
    if (parents.st[i] != kValueRow) continue;
    const auto [b, e] = Span(*rel.groups, parents.i[i]);
    out.st[i] = kValueRow;
    out.i[i] = e - b;
    f.steps[i] += ListingSteps(rel, parents.i[i]);
  }
  return out;
}

// The rows of f joined with the elements of the range `range_id` (bound to
// variable `slot`): a relation's child rows, or a list's elements.
// `known[i]` says whether row i's range is known, `parent_of` gives the
// row of f of each joined row. Counts the iterations.
Frame Runner::Join(int range_id, int slot_in, Frame& f, std::vector<uint8_t>* known,
                 std::vector<uint32_t>* parent_of) {
  const PNode& range = plan_.nodes[static_cast<size_t>(range_id)];
  Frame child;
  const auto slot = static_cast<size_t>(slot_in);
  child.vars.resize(slot + 1);
  child.values.resize(slot + 1);
  known->assign(f.n, 0);
  if (range.op == Op::kRelFilter) {
    // The relation's rows for which the predicate is true, its conjuncts
    // one after the other, each over the rows the ones before did not
    // find false; a row of f with a row for which the predicate is not a
    // known bool is unknown.
    std::vector<int> conjuncts;
    Conjuncts(range.kids[1], &conjuncts);
    Frame cur;
    size_t first = 0;  // the first conjunct not applied yet
    if (EquiJoin(range, conjuncts[0], slot, f, known, parent_of, &cur)) {
      first = 1;
    } else {
      cur = Join(range.kids[0], slot_in, f, known, parent_of);
    }
    std::vector<uint8_t> unsure(cur.n, 0);  // a conjunct was unknown
    // The conjuncts over the rows of `rows` (their rows of f `parents`;
    // `origin`, if not null, narrowed along), keeping those no conjunct
    // finds false.
    const auto apply = [&](Frame& rows, std::vector<uint32_t>* parents,
                           std::vector<uint8_t>* unknown, std::vector<uint32_t>* origin) {
      for (size_t ci = first; ci < conjuncts.size(); ++ci) {
        const Vec& v = Eval(conjuncts[ci], rows);
        std::vector<uint32_t> in;
        for (size_t k = 0; k < rows.n; ++k) {
          f.steps[(*parents)[k]] += rows.steps[k];
          rows.steps[k] = 0;
          if (v.kind != K::kBool || v.st[k] != kValueRow) {
            (*unknown)[k] = 1;
            in.push_back(static_cast<uint32_t>(k));
          } else if (v.i[k] != 0) {
            in.push_back(static_cast<uint32_t>(k));
          }
        }
        if (in.size() < rows.n) {
          Keep(in, &rows, parents, unknown);
          if (origin != nullptr) KeepAt(in, origin);
        }
      }
    };
    bool values = false;  // (a frame with values is not sliced)
    for (const Vec& v : cur.values) values = values || !v.st.empty();
    if (cur.n <= kBatch || values) {
      apply(cur, parent_of, &unsure, nullptr);
    } else {
      // A slice at a time; the rows kept, listed in order, are gathered
      // once at the end.
      std::vector<uint32_t> kept;
      std::vector<uint32_t> origin;
      unsure.clear();
      for (size_t begin = 0; begin < cur.n; begin += kBatch) {
        const size_t end = std::min(cur.n, begin + kBatch);
        Frame rows = Slice(cur, begin, end);
        std::vector<uint32_t> parents(parent_of->begin() + begin, parent_of->begin() + end);
        std::vector<uint8_t> unknown(rows.n, 0);
        origin.resize(rows.n);
        for (size_t k = 0; k < rows.n; ++k) origin[k] = static_cast<uint32_t>(begin + k);
        apply(rows, &parents, &unknown, &origin);
        kept.insert(kept.end(), origin.begin(), origin.end());
        unsure.insert(unsure.end(), unknown.begin(), unknown.end());
      }
      cur = Rows(cur, kept);
      KeepAt(kept, parent_of);
    }
    std::vector<uint32_t> in;
    for (size_t k = 0; k < cur.n; ++k) {
      if (unsure[k] != 0) (*known)[(*parent_of)[k]] = 0;
    }
    for (size_t k = 0; k < cur.n; ++k) {
      if ((*known)[(*parent_of)[k]] != 0) in.push_back(static_cast<uint32_t>(k));
    }
    if (in.size() < cur.n) Keep(in, &cur, parent_of, &unsure);
    for (uint32_t i : *parent_of) ++f.steps[i];  // (the comprehension over them)
    return cur;
  }
  if (range.kind == K::kRelation) {
    const Vec& parents = Eval(range.kids[0], f);
    // The rows of f needed and their spans first, then the joined rows
    // written in place (the joins of a batch are its largest frames).
    size_t total = 0;
    for (size_t i = 0; i < f.n; ++i) {
      if (parents.st[i] != kValueRow) continue;  // a field of null: an error
      if (f.active != nullptr && (*f.active)[i] == 0) continue;  // not needed
      (*known)[i] = 1;
      const auto [b, e] = Span(*range.groups, parents.i[i]);
      total += e - b;
      f.steps[i] += e - b + ListingSteps(range, parents.i[i]);
    }
    std::vector<int32_t>& rows = child.vars[slot];
    parent_of->resize(parent_of->size() + total);
    rows.resize(rows.size() + total);
    uint32_t* parent = parent_of->data() + parent_of->size() - total;
    int32_t* row = rows.data() + rows.size() - total;
    const uint32_t* listed = range.groups->listed.empty() ? nullptr : range.groups->listed.data();
    for (size_t i = 0; i < f.n; ++i) {
      if ((*known)[i] == 0) continue;
      const auto [b, e] = Span(*range.groups, parents.i[i]);
      for (uint32_t k = b; k < e; ++k) {
        *parent++ = static_cast<uint32_t>(i);
        *row++ = static_cast<int32_t>(listed != nullptr ? listed[k] : k);
      }
    }
  } else {
    const Vec& list = Eval(range_id, f);
    std::vector<uint32_t> elements;
    for (size_t i = 0; i < f.n && list.kind == K::kList; ++i) {
      if (list.st[i] != kValueRow) continue;
      if (f.active != nullptr && (*f.active)[i] == 0) continue;  // not needed
      (*known)[i] = 1;
      for (uint32_t k = list.lb[i]; k < list.le[i]; ++k) {
        parent_of->push_back(static_cast<uint32_t>(i));
        elements.push_back(k);
      }
      f.steps[i] += list.le[i] - list.lb[i];
    }
    if (list.kind == K::kList) child.values[slot] = Gather(*list.elems, elements);
  }
  Bind(f, slot, *parent_of, &child);
  return child;
}

// A filtered relation whose first conjunct is `x == y` — x reading the
// relation's row (in `slot`) and nothing of the frame nor the period, y
// not reading that row — joined by hashing: x is computed once per row
// of each group, and each row of f is joined only with the rows whose x
// equals its y, instead of with all of them (the row evaluator's steps
// over all are still counted). Only where every x and y needed is a
// value of one kind and the join would repeat the groups' rows; false
// (and nothing changed) otherwise.
bool Runner::EquiJoin(const PNode& range, int conjunct, size_t slot, Frame& f,
                    std::vector<uint8_t>* known, std::vector<uint32_t>* parent_of, Frame* out) {
  const PNode& eq = plan_.nodes[static_cast<size_t>(conjunct)];
  const PNode& rel = plan_.nodes[static_cast<size_t>(range.kids[0])];
  if (eq.op != Op::kEq || rel.op != Op::kRelation || slot >= 64) return false;
  const uint64_t row_bit = uint64_t{1} << slot;
  int x = -1, y = -1;
  for (int side = 0; side < 2 && x < 0; ++side) {
    const PNode& a = plan_.nodes[static_cast<size_t>(eq.kids[side])];
    const PNode& b = plan_.nodes[static_cast<size_t>(eq.kids[1 - side])];
    if (!a.period && (a.reads & (row_bit - 1)) == 0 && (a.reads & row_bit) != 0 &&
        (b.reads & row_bit) == 0) {
      x = eq.kids[side];
      y = eq.kids[1 - side];
    }
  }
  if (x < 0) return false;
  const K kind = plan_.nodes[static_cast<size_t>(x)].kind;
  if (kind != plan_.nodes[static_cast<size_t>(y)].kind ||
      (kind != K::kInt && kind != K::kDate && kind != K::kPeriod && kind != K::kString)) {
    return false;
  }
  // The rows of f needed (with a parent row), and their groups (each once).
  const Vec& parents = Eval(rel.kids[0], f);
  std::vector<uint32_t> needed;
  for (size_t i = 0; i < f.n; ++i) {
    if (parents.st[i] == kValueRow && (f.active == nullptr || (*f.active)[i] != 0)) {
      needed.push_back(static_cast<uint32_t>(i));
    }
  }
  std::vector<int64_t> groups;
  std::unordered_map<int64_t, size_t> group_of;
  uint64_t joined = 0, distinct = 0;
  for (uint32_t i : needed) {
    const auto [b, e] = Span(*rel.groups, parents.i[i]);
    joined += e - b;
    if (group_of.emplace(parents.i[i], groups.size()).second) {
      groups.push_back(parents.i[i]);
      distinct += e - b;
    }
  }
  if (joined < 1024 || joined < 2 * distinct) return false;  // (would not pay)
  const Vec& yv = Eval(y, f);
  for (uint32_t i : needed) {
    if (yv.kind != kind || yv.st[i] != kValueRow) return false;
  }
  // x over the groups' rows, once.
  Frame rows;
  rows.vars.resize(slot + 1);
  rows.values.resize(slot + 1);
  std::vector<size_t> begin_of;  // per group, its first row in `rows`
  for (int64_t g : groups) {
    begin_of.push_back(rows.vars[slot].size());
    const auto [b, e] = Span(*rel.groups, g);
    for (uint32_t k = b; k < e; ++k) rows.vars[slot].push_back(static_cast<int32_t>(rel.groups->row(k)));
  }
  begin_of.push_back(rows.vars[slot].size());
  rows.n = rows.vars[slot].size();
  rows.steps.assign(rows.n, 0);
  // Per group: each x's rows, in order, and the steps x took (x a slice
  // of rows at a time).
  const auto key = [kind](const Vec& v, size_t i) -> int64_t {
    if (kind != K::kPeriod) return v.i[i];
    const Period& p = v.p[i];
    return (static_cast<int64_t>(p.kind()) << 48) | (static_cast<int64_t>(p.year()) << 8) | p.index();
  };
  std::vector<std::unordered_map<int64_t, std::vector<uint32_t>>> by_number(groups.size());
  std::vector<std::unordered_map<std::string_view, std::vector<uint32_t>>> by_text(groups.size());
  std::vector<uint64_t> x_steps(groups.size(), 0);
  bool all_known = true;
  size_t gi = 0;  // the group of the row at hand
  ForSlices(rows, [&](Frame& part, size_t begin) {
    const Vec& xv = Eval(x, part);
    for (size_t k = 0; k < part.n && all_known; ++k) {
      if (xv.kind != kind || xv.st[k] != kValueRow) {
        all_known = false;
        break;
      }
      const size_t j = begin + k;
      while (j >= begin_of[gi + 1]) ++gi;
      if (kind == K::kString) {
        by_text[gi][xv.s[k]].push_back(static_cast<uint32_t>(j));
      } else {
        by_number[gi][key(xv, k)].push_back(static_cast<uint32_t>(j));
      }
      x_steps[gi] += part.steps[k];
    }
  });
  if (!all_known) return false;
  out->vars.resize(slot + 1);
  out->values.resize(slot + 1);
  // Each needed row's matches, counted first: the joined rows are written
  // into room made once (at scale 150 a prefecture's join has millions).
  std::vector<const std::vector<uint32_t>*> matches(needed.size(), nullptr);
  size_t total = 0;
  for (size_t m = 0; m < needed.size(); ++m) {
    const uint32_t i = needed[m];
    const size_t gi = group_of.at(parents.i[i]);
    (*known)[i] = 1;
    f.steps[i] += (begin_of[gi + 1] - begin_of[gi]) + x_steps[gi];
    if (kind == K::kString) {
      auto it = by_text[gi].find(yv.s[i]);
      if (it != by_text[gi].end()) matches[m] = &it->second;
    } else {
      auto it = by_number[gi].find(key(yv, i));
      if (it != by_number[gi].end()) matches[m] = &it->second;
    }
    if (matches[m] != nullptr) total += matches[m]->size();
  }
  parent_of->reserve(parent_of->size() + total);
  out->vars[slot].reserve(total);
  for (size_t m = 0; m < needed.size(); ++m) {
    if (matches[m] == nullptr) continue;
    for (uint32_t j : *matches[m]) {
      parent_of->push_back(needed[m]);
      out->vars[slot].push_back(rows.vars[slot][j]);
    }
  }
  Bind(f, slot, *parent_of, out);
  return true;
}

// The rows `in` of *f (and of the vectors along), in a new frame.
void Runner::Keep(const std::vector<uint32_t>& in, Frame* f, std::vector<uint32_t>* parent_of,
                  std::vector<uint8_t>* unsure) {
  *f = Rows(*f, in);
  KeepAt(in, parent_of);
  KeepAt(in, unsure);
}

// The operands of `id`'s `&&`s, left to right.
void Runner::Conjuncts(int id, std::vector<int>* out) const {
  const PNode& n = plan_.nodes[static_cast<size_t>(id)];
  if (n.op != Op::kAnd) {
    out->push_back(id);
    return;
  }
  Conjuncts(n.kids[0], out);
  Conjuncts(n.kids[1], out);
}

// Join, made once per frame for a filtered relation (its predicate is
// computed once however many comprehensions read it). Its steps are
// counted for each reader, as the row evaluator may take them again,
// except those of a let's filter (PNode::let_root: the row evaluator
// filters once); each reader's iteration over the rows kept is counted
// for each (Join counts it with the filter's).
std::shared_ptr<Joined> Runner::JoinOnce(int range_id, int slot, Frame& f) {
  const PNode& range = plan_.nodes[static_cast<size_t>(range_id)];
  const bool once = range.op == Op::kRelFilter;
  if (once) {
    for (const Frame::JoinMemo& m : f.joins) {
      if (m.range != range_id || !Covers(m.rows, f.active)) continue;
      if (!range.let_root) {
        for (size_t i = 0; i < f.n; ++i) f.steps[i] += m.rows.steps[i];
      }
      for (uint32_t i : m.joined->parent_of) ++f.steps[i];  // (the reader's iteration)
      return m.joined;
    }
  }
  auto j = std::make_shared<Joined>();
  std::vector<uint64_t> before;
  if (once) before = f.steps;
  j->child = Join(range_id, slot, f, &j->known, &j->parent_of);
  if (once) {
    Frame::JoinMemo& m = f.joins.emplace_back();
    m.range = range_id;
    m.joined = j;
    m.rows.all = f.active == nullptr;
    if (!m.rows.all) m.rows.active = *f.active;
    m.rows.steps.resize(f.n);
    for (size_t i = 0; i < f.n; ++i) m.rows.steps[i] = f.steps[i] - before[i];
    for (uint32_t i : j->parent_of) --m.rows.steps[i];  // (the first reader's iteration)
  }
  return j;
}

// The joined frame `child` (its variable `slot` bound) gets the variables
// of the slots before, the values and the period of each row's parent
// in f.
void Runner::Bind(const Frame& f, size_t slot, const std::vector<uint32_t>& parent_of,
                  Frame* child) {
  child->n = parent_of.size();
  for (size_t s = 0; s < slot; ++s) {
    if (s < f.vars.size() && !f.vars[s].empty()) {
      child->vars[s].resize(child->n);
      for (size_t j = 0; j < child->n; ++j) child->vars[s][j] = f.vars[s][parent_of[j]];
    }
    if (s < f.values.size() && !f.values[s].st.empty()) {
      child->values[s] = Gather(f.values[s], parent_of);
    }
  }
  if (!f.periods.empty()) {
    child->periods.resize(child->n);
    for (size_t j = 0; j < child->n; ++j) child->periods[j] = f.periods[parent_of[j]];
  }
  child->steps.assign(child->n, 0);
}

// exists, all or filter(...).size() over a relation: the rows of f joined
// with their child rows, the predicate over the join, grouped back.
Vec Runner::Comprehension(const PNode& n, Frame& f) {
  const std::shared_ptr<Joined> joined = JoinOnce(n.kids[0], n.slot, f);
  Frame& child = joined->child;
  const std::vector<uint8_t>& known = joined->known;
  const std::vector<uint32_t>& parent_of = joined->parent_of;
  Vec out;
  Resize(&out, n.op == Op::kFilterSize ? K::kInt : K::kBool, f.n);
  // Per parent: how many children were true, false and neither.
  std::vector<uint32_t> yes(f.n, 0), no(f.n, 0), other(f.n, 0);
  ForSlices(child, [&](Frame& rows, size_t begin) {
    const Vec& pred = Eval(n.kids[1], rows);
    const bool is_bool = pred.kind == K::kBool;
    for (size_t j = 0; j < rows.n; ++j) {
      const uint32_t i = parent_of[begin + j];
      f.steps[i] += rows.steps[j];
      if (!is_bool || pred.st[j] != kValueRow) {
        ++other[i];
      } else if (pred.i[j] != 0) {
        ++yes[i];
      } else {
        ++no[i];
      }
    }
  });
  for (size_t i = 0; i < f.n; ++i) {
    if (known[i] == 0) continue;
    switch (n.op) {
      case Op::kExists:
        if (yes[i] > 0 || other[i] == 0) {
          out.st[i] = kValueRow;
          out.i[i] = yes[i] > 0;
        }
        break;
      case Op::kAll:
        if (no[i] > 0 || other[i] == 0) {
          out.st[i] = kValueRow;
          out.i[i] = no[i] == 0;
        }
        break;
      default:  // filter(...).size(): every predicate must be known
        if (other[i] == 0) {
          out.st[i] = kValueRow;
          out.i[i] = yes[i];
        }
        break;
    }
  }
  return out;
}

// relation[.filter(x, P)].map(x, F) and list.filter(x, P): the list of F
// (`element`; -1: x itself) of the range's elements for which P
// (`predicate`; -1: none) holds. Known where every P is a known bool and
// every F of an element P keeps is known (a null is an element).
Vec Runner::Collect(const PNode& n, Frame& f, int element_id, int predicate_id) {
  if (element_id < 0 && predicate_id >= 0 && !n.flatten) {
    const PNode& range = plan_.nodes[static_cast<size_t>(n.kids[0])];
    const PNode& p = plan_.nodes[static_cast<size_t>(predicate_id)];
    const bool own = n.slot < 64 && p.reads == (uint64_t{1} << n.slot);
    if (range.kind == K::kList && range.op != Op::kRelation && own && !p.period && !p.loops) {
      return FilterElements(n, f, predicate_id);
    }
  }
  const std::shared_ptr<Joined> joined = JoinOnce(n.kids[0], n.slot, f);
  Frame& child = joined->child;
  const std::vector<uint8_t>& owner = joined->known;
  const std::vector<uint32_t>& parent_of = joined->parent_of;
  Vec out = NewList(static_cast<K>(n.table), f.n);
  if (!n.flatten) Reserve(out.elems.get(), child.n);  // (at most an element a joined row)
  std::vector<uint8_t> known(f.n, 1);
  // Per row of f, its elements in out.elems (the joined rows of a row of
  // f are consecutive, so are its elements): [first, last).
  std::vector<uint32_t> first(f.n, UINT32_MAX), last(f.n, 0);
  // Where only the periods a row's list holds matter (SetDistinctPeriods):
  // a period among the last few the row's list got is not added again.
  const bool distinct = distinct_periods_ >= 0 && !n.flatten &&
                        &n == &plan_.nodes[static_cast<size_t>(distinct_periods_)] &&
                        out.elems->kind == K::kPeriod;
  constexpr uint32_t kRecent = 8;
  const auto repeated = [&](const Vec& element, size_t k, uint32_t i) {
    if (element.kind != K::kPeriod || element.st[k] != kValueRow || first[i] == UINT32_MAX) {
      return false;
    }
    const Vec& e = *out.elems;
    const auto end = static_cast<uint32_t>(e.st.size());
    for (uint32_t x = end; x > first[i] && end - x < kRecent; --x) {
      if (e.st[x - 1] == kValueRow && e.p[x - 1] == element.p[k]) return true;
    }
    return false;
  };
  ForSlices(child, [&](Frame& rows, size_t begin) {
    const Vec* keep = predicate_id >= 0 ? &Eval(predicate_id, rows) : nullptr;
    const Vec& element =
        element_id >= 0 ? Eval(element_id, rows) : rows.values[static_cast<size_t>(n.slot)];
    for (size_t k = 0; k < rows.n; ++k) {
      const uint32_t i = parent_of[begin + k];
      f.steps[i] += rows.steps[k] + (element_id >= 0 ? 1 : 0);  // and the map's step
      if (keep != nullptr && (keep->kind != K::kBool || keep->st[k] != kValueRow)) {
        known[i] = 0;
        continue;
      }
      if (keep != nullptr && keep->i[k] == 0) continue;  // filtered out
      if (n.flatten ? element.st[k] != kValueRow : element.st[k] == kUnknownRow) {
        known[i] = 0;  // (flatten keeps a null element; the plan does not)
        continue;
      }
      if (known[i] == 0) continue;
      if (first[i] == UINT32_MAX) first[i] = static_cast<uint32_t>(out.elems->st.size());
      if (distinct && repeated(element, k, i)) continue;  // (first[i] is set)
      if (!n.flatten) {
        Append(element, k, out.elems.get());
      } else {
        for (uint32_t e = element.lb[k]; e < element.le[k]; ++e) {
          Append(*element.elems, e, out.elems.get());
        }
      }
      last[i] = static_cast<uint32_t>(out.elems->st.size());
    }
  });
  for (size_t i = 0; i < f.n; ++i) {
    const bool value = owner[i] != 0 && known[i] != 0;
    if (value) out.st[i] = kValueRow;
    const bool any = value && first[i] != UINT32_MAX;
    out.lb.push_back(any ? first[i] : 0);
    out.le.push_back(any ? last[i] : 0);
  }
  return out;
}

// list.filter(x, P) where P reads x alone (not the frame's rows nor the
// period) and iterates over nothing: P is evaluated once per element of
// the lists (rows may share elements), a slice of elements at a time,
// instead of once per joined row. Known where every P of the row's
// elements is a known bool, as Collect's.
Vec Runner::FilterElements(const PNode& n, Frame& f, int predicate_id) {
  const Vec& list = Eval(n.kids[0], f);
  Vec out = NewList(static_cast<K>(n.table), f.n);
  if (list.kind != K::kList) {
    out.lb.assign(f.n, 0);
    out.le.assign(f.n, 0);
    return out;
  }
  const Vec& elems = *list.elems;
  const auto slot = static_cast<size_t>(n.slot);
  // Per element: 0 filtered out, 1 kept, 2 not known.
  const size_t count = elems.st.size();
  std::vector<uint8_t> keep(count, 2);
  std::vector<uint32_t> index;
  for (size_t begin = 0; begin < count; begin += kBatch) {
    const size_t end = std::min(count, begin + kBatch);
    index.resize(end - begin);
    for (size_t k = begin; k < end; ++k) index[k - begin] = static_cast<uint32_t>(k);
    Frame e;
    e.n = end - begin;
    e.vars.resize(slot + 1);
    e.values.resize(slot + 1);
    e.values[slot] = Gather(elems, index);
    e.steps.assign(e.n, 0);
    const Vec& v = Eval(predicate_id, e);
    if (v.kind != K::kBool) continue;
    for (size_t k = 0; k < e.n; ++k) {
      if (v.st[k] == kValueRow) keep[begin + k] = v.i[k] != 0 ? 1 : 0;
    }
  }
  std::vector<uint32_t> taken;
  out.lb.resize(f.n);
  out.le.resize(f.n);
  for (size_t i = 0; i < f.n; ++i) {
    const auto first = static_cast<uint32_t>(taken.size());
    bool known = list.st[i] == kValueRow;
    for (uint32_t k = known ? list.lb[i] : 0; known && k < list.le[i]; ++k) {
      known = keep[k] != 2;
      if (keep[k] == 1) taken.push_back(k);
    }
    if (list.st[i] == kValueRow) f.steps[i] += list.le[i] - list.lb[i];
    if (!known) taken.resize(first);
    out.st[i] = known ? kValueRow : kUnknownRow;
    out.lb[i] = known ? first : 0;
    out.le[i] = known ? static_cast<uint32_t>(taken.size()) : 0;
  }
  *out.elems = Gather(elems, taken);
  out.elems->kind = elems.kind;
  return out;
}

}  // namespace zhucun::internal
