#ifndef ZHUCUN_VERSION_H_
#define ZHUCUN_VERSION_H_

/// \file
/// The library version.

#define ZHUCUN_VERSION_MAJOR 0
#define ZHUCUN_VERSION_MINOR 1
#define ZHUCUN_VERSION_PATCH 0
#define ZHUCUN_VERSION_STRING "0.1.0"

#endif  // ZHUCUN_VERSION_H_
