# Warnings are errors everywhere: a warning left in is a bug report nobody reads.
# lwcl_warnings(target) applies the project's warning set to one target.
function(lwcl_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Werror -Wshadow -Wconversion -Wno-sign-conversion
    -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Wdouble-promotion)
endfunction()

# lwcl_add_test(name SOURCES a.cc b.cc LIBS x y): one GoogleTest binary,
# registered with CTest test by test (gtest_discover_tests).
function(lwcl_add_test name)
  cmake_parse_arguments(T "" "" "SOURCES;LIBS" ${ARGN})
  if(NOT LWCL_TESTS)
    return()
  endif()
  add_executable(${name} ${T_SOURCES})
  lwcl_warnings(${name})
  target_link_libraries(${name} PRIVATE ${T_LIBS} GTest::gtest GTest::gtest_main)
  # Helpers shared by the tests of several parts (peer_process.h).
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/test_support)
  target_compile_definitions(${name} PRIVATE
    LWCL_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
    LWCL_DATASETS_DIR="${CMAKE_SOURCE_DIR}/../shared/datasets")
  include(GoogleTest)
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60)
endfunction()

# lwcl_add_fuzzer(name SOURCES a.cc LIBS x): a libFuzzer target, built only
# with -DLWCL_FUZZ=ON (clang). Registered as a short CTest smoke run.
function(lwcl_add_fuzzer name)
  cmake_parse_arguments(F "" "" "SOURCES;LIBS;CORPUS" ${ARGN})
  if(NOT LWCL_FUZZ)
    return()
  endif()
  add_executable(${name} ${F_SOURCES})
  target_link_libraries(${name} PRIVATE ${F_LIBS})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/test_support)
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  set(runs $ENV{LWCL_FUZZ_SECONDS})
  if(NOT runs)
    set(runs 20)
  endif()
  add_test(NAME fuzz.${name}
           COMMAND ${name} -max_total_time=${runs} -print_final_stats=1 ${F_CORPUS})
endfunction()

# lwcl_add_benchmark(name SOURCES a.cc LIBS x): a Google Benchmark binary.
function(lwcl_add_benchmark name)
  cmake_parse_arguments(B "" "" "SOURCES;LIBS" ${ARGN})
  if(NOT LWCL_BENCH OR NOT LWCL_HOST)
    return()
  endif()
  add_executable(${name} ${B_SOURCES})
  lwcl_warnings(${name})
  target_link_libraries(${name} PRIVATE ${B_LIBS} benchmark::benchmark benchmark::benchmark_main)
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/test_support)
  target_compile_definitions(${name} PRIVATE
    LWCL_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
    LWCL_DATASETS_DIR="${CMAKE_SOURCE_DIR}/../shared/datasets")
endfunction()
