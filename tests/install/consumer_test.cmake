# Runs the consumer project in tests/install against this build of zhucun,
# as a ctest test (cmake -P). Variables:
#   MODE          package: `cmake --install` BINARY_DIR into WORK_DIR/prefix,
#                 then find_package(zhucun) from there;
#                 subdirectory: add_subdirectory(SOURCE_DIR)
#   SOURCE_DIR    zhucun's source tree
#   BINARY_DIR    zhucun's build tree (MODE=package)
#   WORK_DIR      scratch directory, emptied first
#   GENERATOR, CXX_COMPILER, BUILD_TYPE, LAUNCHER   passed to the consumer build
cmake_minimum_required(VERSION 3.25)

foreach(v MODE SOURCE_DIR WORK_DIR GENERATOR CXX_COMPILER)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "consumer_test.cmake: ${v} is not set")
  endif()
endforeach()

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    string(JOIN " " cmd ${ARGN})
    message(FATAL_ERROR "failed (${rc}): ${cmd}")
  endif()
endfunction()

file(REMOVE_RECURSE "${WORK_DIR}")
set(args -G "${GENERATOR}" -DCMAKE_CXX_COMPILER=${CXX_COMPILER}
         -DCMAKE_BUILD_TYPE=${BUILD_TYPE})
if(LAUNCHER)
  list(APPEND args -DCMAKE_CXX_COMPILER_LAUNCHER=${LAUNCHER})
endif()

if(MODE STREQUAL "package")
  run(${CMAKE_COMMAND} --install "${BINARY_DIR}" --prefix "${WORK_DIR}/prefix")
  # Nothing but the public headers may be installed.
  file(GLOB_RECURSE headers RELATIVE "${WORK_DIR}/prefix/include"
       "${WORK_DIR}/prefix/include/*")
  foreach(h IN LISTS headers)
    if(NOT h MATCHES "^zhucun/[a-z_]+\\.h$")
      message(FATAL_ERROR "unexpected installed header: ${h}")
    endif()
  endforeach()
  list(APPEND args -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix
                   -DZHUCUN_EXPECTED_PREFIX=${WORK_DIR}/prefix)
elseif(MODE STREQUAL "subdirectory")
  list(APPEND args -DZHUCUN_SOURCE_DIR=${SOURCE_DIR})
else()
  message(FATAL_ERROR "consumer_test.cmake: unknown MODE `${MODE}`")
endif()

run(${CMAKE_COMMAND} -S "${SOURCE_DIR}/tests/install" -B "${WORK_DIR}/build" ${args})
run(${CMAKE_COMMAND} --build "${WORK_DIR}/build")
run("${WORK_DIR}/build/consumer")
