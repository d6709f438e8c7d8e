// Where the tests find the checkout and the shared spec folder.
//
// Every test translation unit sees this header (tests/CMakeLists.txt passes it
// with -include) and spells the folders ZHUCUN_SOURCE_DIR and
// ZHUCUN_SHARED_DIR. The folders themselves are compiled into one generated
// file per build (test_paths.cc.in), not into every test's command line, so
// that a clone in another folder reuses the cached objects (ccache hashes the
// command line; CI clones to a new folder for every run).
#ifndef ZHUCUN_TESTS_TEST_PATHS_H_
#define ZHUCUN_TESTS_TEST_PATHS_H_

namespace zhucun_test_paths {

// The repository's root folder, without a trailing '/'.
const char* SourceDir();
// The shared folder with spec/ and conformance/ (../shared beside the
// repository unless the build says otherwise).
const char* SharedDir();

}  // namespace zhucun_test_paths

#define ZHUCUN_SOURCE_DIR (::zhucun_test_paths::SourceDir())
#define ZHUCUN_SHARED_DIR (::zhucun_test_paths::SharedDir())

#endif  // ZHUCUN_TESTS_TEST_PATHS_H_
