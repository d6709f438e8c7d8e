#ifndef ZHUCUN_SRC_CORE_CPU_CLONES_H_
#define ZHUCUN_SRC_CORE_CPU_CLONES_H_

// ZHUCUN_CPU_CLONES before a function: it is compiled twice, for AVX2 and
// for baseline x86-64, and the one the CPU can run is picked when the
// library is loaded (GCC target_clones). The library stays portable while
// loops over 64-bit lanes (compares, selects, logic) get AVX2's vector
// instructions where it exists; baseline x86-64 (SSE2) has no 64-bit
// vector compare. The results are the same: the loops are over integers.
//
// Not under a sanitizer: the clones' resolvers run while the program is
// being relocated, before the sanitizer's runtime is up (ThreadSanitizer
// crashes there). GCC only: the fuzz targets, built with Clang, run the
// baseline loops.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
    !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
#define ZHUCUN_CPU_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define ZHUCUN_CPU_CLONES
#endif

#endif  // ZHUCUN_SRC_CORE_CPU_CLONES_H_
