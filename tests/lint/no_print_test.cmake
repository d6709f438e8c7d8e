# The library never prints and never ends the process (simdjson's
# "library does not print" check): only the CLI talks to the terminal, and
# user mistakes come back as Diagnostics, evaluation errors as values. This
# lists the undefined symbols of the built library with `nm -C -u` and fails
# if any of them is on the list below. Run as a ctest test:
#   cmake -DNM=<nm> -DLIBRARY=<libzhucun.a or .so> -P no_print_test.cmake
#
# Forbidden: the standard streams and their C counterparts, the C output
# functions (including glibc's _FORTIFY_SOURCE `__*_chk` variants), and the
# ways to end the process.
#
# Deliberately allowed, because the compiler or libstdc++ emits them with no
# output and no exit of their own making:
#   std::terminate            called from noexcept landing pads; it is what an
#                             exception escaping a noexcept function means
#   std::__throw_*            libstdc++ throws out of range/length/bad_alloc
#   __cxa_*, _Unwind_*        exception support
#   __assert_fail             assert() in builds without NDEBUG (debug and the
#                             sanitizer preset); compiled out of release builds
#   __ubsan_*, __asan_*       sanitizer runtime in the sanitizer preset
#   std::ios_base::Init       the static initialiser of any file that includes
#                             <iostream>; it does not print by itself
#   snprintf, std::ostringstream, std::to_chars   formatting into memory
cmake_minimum_required(VERSION 3.25)

if(NOT NM OR NOT LIBRARY)
  message(FATAL_ERROR "usage: cmake -DNM=<nm> -DLIBRARY=<lib> -P no_print_test.cmake")
endif()
if(NOT EXISTS "${LIBRARY}")
  message(FATAL_ERROR "no such library: ${LIBRARY}")
endif()

set(dynamic)
if(LIBRARY MATCHES "\\.so")
  set(dynamic -D)
endif()
execute_process(COMMAND "${NM}" -C -u ${dynamic} "${LIBRARY}"
                OUTPUT_VARIABLE symbols RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "`${NM} -C -u ${LIBRARY}` failed (${rc})")
endif()

# Exact symbol names (after demangling, without the "@GLIBC_x" version).
set(forbidden
  # C++ standard streams
  std::cout std::cerr std::clog std::cin
  std::wcout std::wcerr std::wclog std::wcin
  # C streams and output
  stdout stderr stdin
  printf vprintf fprintf vfprintf dprintf vdprintf
  __printf_chk __vprintf_chk __fprintf_chk __vfprintf_chk __dprintf_chk
  puts fputs putchar putc fputc putchar_unlocked fputc_unlocked fputs_unlocked
  fwrite fwrite_unlocked perror
  # ending the process
  abort exit _exit _Exit quick_exit
)

set(found)
# Brackets in demangled names (operator[]) would confuse CMake's list
# splitting; none of the forbidden names has any.
string(REPLACE "[" "(" symbols "${symbols}")
string(REPLACE "]" ")" symbols "${symbols}")
string(REPLACE ";" "," symbols "${symbols}")
string(REPLACE "\n" ";" lines "${symbols}")
foreach(line IN LISTS lines)
  # "                 U name" (the archive's member headers are skipped).
  if(NOT line MATCHES "^ +[Uw] (.+)$")
    continue()
  endif()
  string(REGEX REPLACE "@.*$" "" name "${CMAKE_MATCH_1}")
  if(name IN_LIST forbidden)
    list(APPEND found "${name}")
  endif()
endforeach()

list(REMOVE_DUPLICATES found)
if(found)
  string(JOIN ", " found_text ${found})
  message(FATAL_ERROR
    "${LIBRARY} references ${found_text}. The library must not print or end "
    "the process: return Diagnostics or an error Value instead. Find the "
    "object with `${NM} -C -A -u ${LIBRARY} | grep <symbol>`.")
endif()
message(STATUS "ok: no forbidden symbols among the undefined symbols of ${LIBRARY}")
