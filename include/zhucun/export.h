#ifndef ZHUCUN_EXPORT_H_
#define ZHUCUN_EXPORT_H_

/// \file
/// ZHUCUN_API marks the public API; everything else has hidden visibility.

#if defined(_WIN32)
#define ZHUCUN_API
#else
#define ZHUCUN_API __attribute__((visibility("default")))
#endif

#endif  // ZHUCUN_EXPORT_H_
