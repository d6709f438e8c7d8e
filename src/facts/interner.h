#ifndef ZHUCUN_SRC_FACTS_INTERNER_H_
#define ZHUCUN_SRC_FACTS_INTERNER_H_

// The string interner of the fact-table builder: a fast hash of short
// strings and an open-addressing hash table of a dictionary's codes. Also
// the key index of a built table (FactTable::FindKey).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "facts/huge_pages.h"

namespace zhucun::internal {

[[gnu::always_inline]] inline uint64_t Load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

[[gnu::always_inline]] inline uint64_t Load32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// The 128-bit product of a and b, folded to 64 bits (as in wyhash).
[[gnu::always_inline]] inline uint64_t Mum(uint64_t a, uint64_t b) {
  __extension__ using U128 = unsigned __int128;
  const U128 r = static_cast<U128>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}

// A fast hash of a string; ids and codes are short, and a string of up to
// 16 bytes is two loads and two multiplications.
[[gnu::always_inline]] inline uint64_t HashBytes(std::string_view s) {
  constexpr uint64_t k0 = 0xa0761d6478bd642full;
  constexpr uint64_t k1 = 0xe7037ed1a0b428dbull;
  constexpr uint64_t k2 = 0x8ebc6af09c88c6e3ull;
  const char* p = s.data();
  const size_t n = s.size();
  uint64_t a = 0;
  uint64_t b = 0;
  uint64_t seed = k0;
  if (n <= 16) {
    if (n >= 8) {
      a = Load64(p);
      b = Load64(p + n - 8);
    } else if (n >= 4) {
      a = Load32(p);
      b = Load32(p + n - 4);
    } else if (n > 0) {
      a = (uint64_t{static_cast<unsigned char>(p[0])} << 16) |
          (uint64_t{static_cast<unsigned char>(p[n >> 1])} << 8) |
          uint64_t{static_cast<unsigned char>(p[n - 1])};
    }
  } else {
    size_t i = 0;
    for (; n - i > 16; i += 16) {
      seed = Mum(Load64(p + i) ^ k1, Load64(p + i + 8) ^ seed);
    }
    a = Load64(p + n - 16);
    b = Load64(p + n - 8);
  }
  return Mum(k2 ^ n, Mum(a ^ k1, b ^ seed));
}

// Whether the n bytes at a and b are equal (short strings without a call).
[[gnu::always_inline]] inline bool SameBytes(const char* a, const char* b, size_t n) {
  if (n >= 8) {
    if (n > 16) return std::memcmp(a, b, n) == 0;
    return Load64(a) == Load64(b) && Load64(a + n - 8) == Load64(b + n - 8);
  }
  if (n >= 4) {
    return Load32(a) == Load32(b) && Load32(a + n - 4) == Load32(b + n - 4);
  }
  for (size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

[[gnu::always_inline]] inline bool SameString(const std::string& a, std::string_view b) {
  return a.size() == b.size() && SameBytes(a.data(), b.data(), b.size());
}

// An open-addressing hash table of the codes of a dictionary (linear
// probing, at most half full), comparing through the dictionary itself, so
// that interning a new string costs one append and no node allocation. A
// slot holds the string's 32-bit hash (high half) and its code (low half);
// all ones is an empty slot.
class Interner {
 public:
  static constexpr uint64_t kEmpty = ~uint64_t{0};

  // The hash that Intern and Find use.
  [[gnu::always_inline]] static uint32_t HashOf(std::string_view s) {
    return static_cast<uint32_t>(HashBytes(s));
  }

  // Starts loading the slot where a string of hash `h` would be.
  void Prefetch(uint32_t h) const {
    __builtin_prefetch(&slots_[h & (slots_.size() - 1)]);
  }

  // The code of `s` in `dict`, appending it when new; `h` = HashOf(s).
  int32_t Intern(std::string_view s, uint32_t h, std::vector<std::string>* dict) {
    if ((dict->size() + 1) * 2 > slots_.size()) Grow(dict->size() + 1);
    const size_t mask = slots_.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      const uint64_t slot = slots_[i];
      if (slot == kEmpty) {
        const int32_t added = static_cast<int32_t>(dict->size());
        if (dict->size() == dict->capacity()) {
          internal::ReserveHuge(*dict, std::max<size_t>(16, dict->size() * 2));
        }
        dict->emplace_back(s);
        slots_[i] = (uint64_t{h} << 32) | static_cast<uint32_t>(added);
        return added;
      }
      if (static_cast<uint32_t>(slot >> 32) == h) {
        const int32_t code = static_cast<int32_t>(static_cast<uint32_t>(slot));
        if (SameString((*dict)[static_cast<size_t>(code)], s)) return code;
      }
    }
  }

  // The code of `s`, or -1.
  int32_t Find(std::string_view s, const std::vector<std::string>& dict) const {
    return Probe(slots_, s, dict);
  }

  // The code of each of `strings` (-1 for none), looked up a few at a time
  // ahead (first their slots, then their strings in `dict` are prefetched),
  // so that the cache misses of a large table overlap.
  std::vector<int32_t> FindAll(const std::vector<std::string>& strings,
                               const std::vector<std::string>& dict) const {
    const size_t n = strings.size();
    std::vector<int32_t> codes(n, -1);
    if (slots_.empty()) return codes;
    std::vector<uint32_t> hashes(n);
    for (size_t i = 0; i < n; ++i) hashes[i] = HashOf(strings[i]);
    const size_t mask = slots_.size() - 1;
    constexpr size_t kAhead = 8;
    for (size_t i = 0; i < n; ++i) {
      if (i + 2 * kAhead < n) __builtin_prefetch(&slots_[hashes[i + 2 * kAhead] & mask]);
      if (i + kAhead < n) {
        const uint64_t slot = slots_[hashes[i + kAhead] & mask];
        if (slot != kEmpty) {
          const uint32_t code = static_cast<uint32_t>(slot);
          if (code < dict.size()) __builtin_prefetch(&dict[code]);
        }
      }
      codes[i] = Probe(slots_, strings[i], hashes[i], dict);
    }
    return codes;
  }

  // Forgets every string, keeping the room.
  void Clear() {
    for (size_t i = 0; i < slots_.size(); ++i) slots_[i] = kEmpty;
  }

  // Makes room for `n` strings without growing again.
  void Reserve(size_t n) {
    if (n * 2 > slots_.size()) Grow(n);
  }

  // Indexes a dictionary that was built without this interner (codes).
  void Build(const std::vector<std::string>& dict) {
    slots_ = internal::PageArray<uint64_t>();
    Grow(dict.size());
    const size_t mask = slots_.size() - 1;
    for (size_t code = 0; code < dict.size(); ++code) {
      if (Probe(slots_, dict[code], dict) >= 0) continue;  // a repeat
      const uint32_t h = static_cast<uint32_t>(HashBytes(dict[code]));
      size_t i = h & mask;
      while (slots_[i] != kEmpty) i = (i + 1) & mask;
      slots_[i] = (uint64_t{h} << 32) | static_cast<uint32_t>(code);
    }
  }

  // The table of slots (for Probe).
  const internal::PageArray<uint64_t>& slots() const { return slots_; }

  // The code of `s` in a table of slots over `dict`, or -1.
  static int32_t Probe(const internal::PageArray<uint64_t>& slots, std::string_view s,
                       const std::vector<std::string>& dict) {
    if (slots.empty()) return -1;
    return Probe(slots, s, HashOf(s), dict);
  }

  // The same, given `h` = HashOf(s), with `slots` not empty.
  static int32_t Probe(const internal::PageArray<uint64_t>& slots, std::string_view s,
                       uint32_t h, const std::vector<std::string>& dict) {
    const size_t mask = slots.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      const uint64_t slot = slots[i];
      if (slot == kEmpty) return -1;
      if (static_cast<uint32_t>(slot >> 32) == h) {
        const int32_t code = static_cast<int32_t>(static_cast<uint32_t>(slot));
        if (SameString(dict[static_cast<size_t>(code)], s)) return code;
      }
    }
  }

 private:
  // Rehashes into a table that holds `n` codes at most half full.
  void Grow(size_t n) {
    size_t capacity = slots_.empty() ? 64 : slots_.size() * 2;
    while (capacity < n * 2) capacity *= 2;
    internal::PageArray<uint64_t> old = std::move(slots_);
    slots_ = internal::PageArray<uint64_t>(capacity, kEmpty);
    const size_t mask = capacity - 1;
    for (const uint64_t slot : old) {
      if (slot == kEmpty) continue;
      size_t i = static_cast<uint32_t>(slot >> 32) & mask;
      while (slots_[i] != kEmpty) i = (i + 1) & mask;
      slots_[i] = slot;
    }
  }

  internal::PageArray<uint64_t> slots_;
};

}  // namespace zhucun::internal

#endif  // ZHUCUN_SRC_FACTS_INTERNER_H_
