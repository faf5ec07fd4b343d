# One set of warning flags for everything this project compiles: the libraries, the `unmix`
# tool, the tests, the benchmarks and the fuzz targets link `unmix_warnings` PRIVATE. It is an
# INTERFACE target that is never installed or exported, so a project that uses the installed
# package compiles with its own flags. UNMIX_WERROR (OFF by default, ON in CI) turns every
# warning into an error.
include_guard(GLOBAL)
option(UNMIX_WERROR "Treat compiler warnings as errors (CI turns it on)" OFF)
add_library(unmix_warnings INTERFACE)
target_compile_options(unmix_warnings INTERFACE -Wall -Wextra -Wpedantic $<$<BOOL:${UNMIX_WERROR}>:-Werror>)
# Two false positives of GCC 12 inside libstdc++ stay warnings, never errors: -Wrestrict for
# `"text" + std::string` at -O2 and above (GCC bug 105329), and -Wmaybe-uninitialized for the
# std::function members of std::regex's automaton under the sanitizers at -O1.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(unmix_warnings INTERFACE -Wno-error=restrict -Wno-error=maybe-uninitialized)
endif()
