# One set of warning flags for everything this project compiles: the libraries, the `unmix`
# tool, the tests, the benchmarks and the fuzz targets link `unmix_warnings` PRIVATE. It is an
# INTERFACE target that is never installed or exported, so a project that uses the installed
# package compiles with its own flags. UNMIX_WERROR (OFF by default, ON in CI) turns every
# warning into an error.
include_guard(GLOBAL)
option(UNMIX_WERROR "Treat compiler warnings as errors (CI turns it on)" OFF)
add_library(unmix_warnings INTERFACE)
target_compile_options(unmix_warnings INTERFACE -Wall -Wextra -Wpedantic $<$<BOOL:${UNMIX_WERROR}>:-Werror>)
# GCC 12 at -O2 and above reports -Wrestrict for `"text" + std::string` inside libstdc++'s
# basic_string (a false positive, GCC bug 105329, fixed in GCC 13): kept as a warning, never an
# error.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(unmix_warnings INTERFACE -Wno-error=restrict)
endif()
