#ifndef ZHUCUN_SRC_FACTS_HUGE_PAGES_H_
#define ZHUCUN_SRC_FACTS_HUGE_PAGES_H_

// Large buffers of the fact-table loader (file texts, columns, hash tables)
// are written once from start to end. Backing them with transparent huge
// pages, where the system allows it (Linux, THP in `madvise` or `always`
// mode), takes one page fault per 2 MiB instead of one per 4 KiB; the
// faults otherwise cost a large share of a load. A hint only: nothing
// changes where huge pages are unavailable.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace zhucun::internal {

// madvise(advice) on the whole pages of `page` bytes inside [p, p + bytes),
// when that is at least `least` bytes (Linux; elsewhere nothing).
inline void AdviseWholePages([[maybe_unused]] const void* p, [[maybe_unused]] size_t bytes,
                             [[maybe_unused]] uintptr_t page, [[maybe_unused]] size_t least,
                             [[maybe_unused]] int advice) {
#if defined(__linux__)
  if (p == nullptr || bytes < least) return;
  const uintptr_t begin = (reinterpret_cast<uintptr_t>(p) + page - 1) & ~(page - 1);
  const uintptr_t end = (reinterpret_cast<uintptr_t>(p) + bytes) & ~(page - 1);
  if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, advice);
#endif
}

// Asks for huge pages for the whole 2 MiB pages inside [p, p + bytes) of a
// buffer that has not been written yet. Small buffers are left alone.
inline void AdviseHugePages(const void* p, size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  AdviseWholePages(p, bytes, uintptr_t{2} << 20, size_t{4} << 20, MADV_HUGEPAGE);
#else
  (void)p;
  (void)bytes;
#endif
}

// Maps in, in one go, the whole pages of [p, p + bytes) of a buffer that is
// about to be written from start to end, instead of taking a page fault on
// each (which in a load of many rows costs more than the rest of the
// writing). A hint only (Linux 5.14 or later). Small buffers are left alone.
inline void Prefault(const void* p, size_t bytes) {
#if defined(__linux__) && defined(MADV_POPULATE_WRITE)
  AdviseWholePages(p, bytes, 4096, 16 * 4096, MADV_POPULATE_WRITE);
#else
  (void)p;
  (void)bytes;
#endif
}

// Gives back to the system the whole pages inside [p, p + bytes) of a
// buffer that will not be read again (a file's text already read; a heap
// block about to be freed, which the allocator would otherwise keep
// resident — it writes only its bookkeeping at a block's ends): its
// resident memory shrinks now rather than when the buffer is freed. The
// pages read as zeros afterwards. Ranges under `least` bytes are left
// alone.
inline void DiscardPages(const void* p, size_t bytes, size_t least = 16 * 4096) {
#if defined(__linux__) && defined(MADV_DONTNEED)
  AdviseWholePages(p, bytes, 4096, least, MADV_DONTNEED);
#else
  (void)p;
  (void)bytes;
  (void)least;
#endif
}

// Reserves room for `n` elements in a vector, with the huge-page hint on
// the part of the new buffer beyond the current size.
template <typename Vector>
void ReserveHuge(Vector& v, size_t n) {
  if (n <= v.capacity()) return;
  v.reserve(n);
  AdviseHugePages(v.data() + v.size(), (v.capacity() - v.size()) * sizeof(*v.data()));
}

// Maps in the room for the next (up to) `n` elements of a vector, within
// its capacity.
template <typename Vector>
void PrefaultNext(Vector& v, size_t n) {
  const size_t room = v.capacity() - v.size();
  Prefault(v.data() + v.size(), (n < room ? n : room) * sizeof(*v.data()));
}

// A fixed-size array of a trivially copyable T. One of 2 MiB or more (a
// multiple of 2 MiB, such as a power-of-two hash table) is 2 MiB-aligned
// and hinted to be backed by huge pages, so that random accesses to it do
// not miss the TLB.
template <typename T>
class PageArray {
 public:
  PageArray() = default;
  PageArray(size_t n, T fill) : size_(n) {
    if (n == 0) return;
    const size_t bytes = n * sizeof(T);
    constexpr size_t kHuge = size_t{2} << 20;
    void* p = nullptr;
    if (bytes >= kHuge && bytes % kHuge == 0) {
      p = std::aligned_alloc(kHuge, bytes);
      if (p != nullptr) AdviseHugePages(p, bytes);
    }
    if (p == nullptr) p = std::malloc(bytes);
    if (p == nullptr) throw std::bad_alloc();
    Prefault(p, bytes);
    data_.reset(static_cast<T*>(p));
    std::uninitialized_fill_n(data_.get(), n, fill);
  }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T* data() { return data_.get(); }
  const T* data() const { return data_.get(); }
  T& operator[](size_t i) { return data_.get()[i]; }
  const T& operator[](size_t i) const { return data_.get()[i]; }
  const T* begin() const { return data_.get(); }
  const T* end() const { return data_.get() + size_; }

 private:
  struct Free {
    void operator()(T* p) const { std::free(p); }
  };
  std::unique_ptr<T, Free> data_;
  size_t size_ = 0;
};

}  // namespace zhucun::internal

#endif  // ZHUCUN_SRC_FACTS_HUGE_PAGES_H_
