// The `zhucun` command; see cli.h.

#include <cstdlib>
#include <iostream>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "cli.h"
#include "words.h"

namespace {

// glibc's malloc maps a block of 128 KiB or more afresh and unmaps it when
// freed, and gives the heap's free top back to the system past 128 KiB
// (both thresholds rise only as mapped blocks are freed). A check makes
// and frees buffers of tens of KiB to tens of MiB per batch of pairs, so
// with those defaults the system maps, faults in and zeroes new pages
// over and over (a third of `zhucun check`'s time on the peers' million
// members, bench/peers, by perf on the README's 2-core VM: the kernel's
// page faults and zeroing). A command runs one check and exits, so it
// keeps what it frees instead (up to 64 MiB at the top of the heap;
// blocks under 16 MiB from the heap).
// Library users choose for their own process (README, "Memory and
// glibc's allocator").
void KeepFreedMemory() {
#if defined(__GLIBC__)
  mallopt(M_MMAP_THRESHOLD, 16 << 20);
  mallopt(M_TRIM_THRESHOLD, 64 << 20);
#endif
}

}  // namespace

int main(int argc, char** argv) {
  using zhucun::cli::LangCode;
  using zhucun::cli::LangFromLocale;
  KeepFreedMemory();
  return zhucun::RunCli(argc, argv, std::cout, std::cerr,
                        LangCode(LangFromLocale(std::getenv("LC_ALL"), std::getenv("LC_MESSAGES"),
                                                std::getenv("LANG"))));
}
