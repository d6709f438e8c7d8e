#ifndef ZHUCUN_BENCH_GEN_GEN_RNG_H_
#define ZHUCUN_BENCH_GEN_GEN_RNG_H_

// The generator's pseudo-random numbers (internal to bench/gen): xoshiro256**
// seeded by splitmix64 from (seed, stream, index), and the stream tags.

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace zhucun::gen::internal {

// ------------------------------------------------------------------ rng --

__extension__ typedef unsigned __int128 U128;

inline uint64_t SplitMix(uint64_t& x) {
  uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

inline uint64_t Mix(uint64_t seed, uint64_t stream, uint64_t index) {
  uint64_t x = seed;
  uint64_t h = SplitMix(x);
  x = h ^ (stream * 0xD1B54A32D192ED03ULL);
  h = SplitMix(x);
  x = h ^ (index * 0x8CB92BA72F3D8DD7ULL);
  return SplitMix(x);
}

// xoshiro256** (Blackman and Vigna), seeded by splitmix64.
class Rng {
 public:
  Rng(uint64_t seed, uint64_t stream, uint64_t index = 0) {
    uint64_t x = Mix(seed, stream, index);
    for (auto& w : s_) w = SplitMix(x);
  }
  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, n), n > 0 (Lemire's method, unbiased).
  uint64_t Below(uint64_t n) {
    U128 m = static_cast<U128>(Next()) * n;
    uint64_t low = static_cast<uint64_t>(m);
    if (low < n) {
      const uint64_t threshold = (0 - n) % n;
      while (low < threshold) {
        m = static_cast<U128>(Next()) * n;
        low = static_cast<uint64_t>(m);
      }
    }
    return static_cast<uint64_t>(m >> 64);
  }
  // Uniform in [lo, hi]; lo when hi < lo.
  int32_t Range(int32_t lo, int32_t hi) {
    if (hi <= lo) return lo;
    return lo + static_cast<int32_t>(Below(static_cast<uint64_t>(hi - lo) + 1));
  }
  // True with probability p / 100000.
  bool Per(uint32_t p) { return Below(100000) < p; }
  // Index drawn with the given integer weights.
  template <size_t N>
  int Weighted(const std::array<int, N>& w) {
    int total = 0;
    for (int x : w) total += x;
    int r = static_cast<int>(Below(static_cast<uint64_t>(total)));
    for (size_t i = 0; i < N; ++i) {
      if (r < w[i]) return static_cast<int>(i);
      r -= w[i];
    }
    return static_cast<int>(N - 1);
  }
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[Below(v.size())];
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

// Random streams (the `stream` argument of Rng).
enum Stream : uint64_t {
  kStreamLayout = 1,
  kStreamNames,
  kStreamUnits,
  kStreamVillage,
  kStreamLeaders,
  kStreamMemberEvents,
  kStreamAssessGrades,
  kStreamAssessInvalid,
  kStreamRatings,
  kStreamDefects,
  // Added with the absences table; the streams above are unchanged.
  kStreamAbsences,
  kStreamAbsenceDefects,
};

// The number of elements of an array.
template <typename T, size_t N>
constexpr size_t Count(const T (&)[N]) {
  return N;
}

}  // namespace zhucun::gen::internal

#endif  // ZHUCUN_BENCH_GEN_GEN_RNG_H_
