# Every dependency of the project is a Debian package, and contrib/install-deps.sh
# installs them all. These checks make a missing one stop the configure step
# with the name of the package to install, instead of surfacing later as a
# compiler or linker error about a header or a library.

set(_msgcapture_install_hint "contrib/install-deps.sh installs every package the project needs")

# msgcapture_require_package(<Name> [find_package arguments...] DEBIAN <package>)
# A macro, so that the variables find_package sets reach the caller.
macro(msgcapture_require_package _name)
  cmake_parse_arguments(_require "" "DEBIAN" "" ${ARGN})
  find_package(${_name} ${_require_UNPARSED_ARGUMENTS} QUIET)
  if(NOT ${_name}_FOUND)
    message(FATAL_ERROR "${_name} was not found: install the Debian package ${_require_DEBIAN} (${_msgcapture_install_hint}).")
  endif()
endmacro()

# msgcapture_require_program(<variable> <program> DEBIAN <package>)
# Sets <variable> to the program's full path; the tests run it from there.
function(msgcapture_require_program variable program)
  cmake_parse_arguments(_require "" "DEBIAN" "" ${ARGN})
  find_program(${variable} ${program})
  if(NOT ${variable})
    message(FATAL_ERROR "${program} was not found: install the Debian package ${_require_DEBIAN} (${_msgcapture_install_hint}).")
  endif()
endfunction()

# Asio ships no CMake package, only headers: look for one and make a target.
function(msgcapture_require_asio)
  find_path(ASIO_INCLUDE_DIR asio/io_context.hpp)
  if(NOT ASIO_INCLUDE_DIR)
    message(FATAL_ERROR "Asio (asio/io_context.hpp) was not found: install the Debian package libasio-dev (${_msgcapture_install_hint}).")
  endif()
  add_library(Asio::asio INTERFACE IMPORTED GLOBAL)
  target_include_directories(Asio::asio INTERFACE ${ASIO_INCLUDE_DIR})
  # Standalone Asio, not Boost.Asio; without the deprecated names.
  target_compile_definitions(Asio::asio INTERFACE ASIO_STANDALONE ASIO_NO_DEPRECATED)
endfunction()

# msgcapture_require_link_flag(<flag> DEBIAN <package>)
# For runtimes that come with the compiler's packages: the sanitizers, libFuzzer.
function(msgcapture_require_link_flag flag)
  cmake_parse_arguments(_require "" "DEBIAN" "" ${ARGN})
  include(CheckCXXSourceCompiles)
  string(MAKE_C_IDENTIFIER "MSGCAPTURE_LINKS${flag}" result)
  set(CMAKE_REQUIRED_FLAGS ${flag})
  set(CMAKE_REQUIRED_LINK_OPTIONS ${flag})
  set(CMAKE_REQUIRED_QUIET ON)
  if(flag MATCHES "fuzzer$")
    set(source "#include <cstddef>\n#include <cstdint>\nextern \"C\" int LLVMFuzzerTestOneInput(const uint8_t*, size_t) { return 0; }")
  else()
    set(source "int main() { return 0; }")
  endif()
  check_cxx_source_compiles("${source}" ${result})
  if(NOT ${result})
    message(FATAL_ERROR "${CMAKE_CXX_COMPILER} cannot link with ${flag}: install the Debian package ${_require_DEBIAN} (${_msgcapture_install_hint}).")
  endif()
endfunction()

# A library that ships a pkg-config file, not a CMake package: target `alias`
# from pkg-config module `module`, else a fatal error naming the Debian
# package (and any further advice).
function(msgcapture_require_pkg_module module alias debian_package)
  find_package(PkgConfig QUIET)
  string(MAKE_C_IDENTIFIER "${module}" _prefix)
  if(PkgConfig_FOUND)
    pkg_check_modules(${_prefix} QUIET IMPORTED_TARGET GLOBAL ${module})
  endif()
  if(NOT ${_prefix}_FOUND)
    message(FATAL_ERROR "${module} was not found: install the Debian packages ${debian_package} and pkgconf (${_msgcapture_install_hint})${ARGN}.")
  endif()
  add_library(${alias} ALIAS PkgConfig::${_prefix})
endfunction()

function(msgcapture_require_secp256k1)
  msgcapture_require_pkg_module(libsecp256k1 secp256k1::secp256k1 libsecp256k1-dev)
endfunction()

# The allocator of the programs that format captures.
function(msgcapture_require_jemalloc)
  msgcapture_require_pkg_module(jemalloc jemalloc::jemalloc libjemalloc-dev
                                ", or configure with -DMSGCAPTURE_JEMALLOC=OFF to use the C library's malloc")
endfunction()

# <sys/sdt.h> for the node's USDT tracepoints (Debian's systemtap-sdt-dev).
function(msgcapture_require_sdt)
  include(CheckIncludeFileCXX)
  check_include_file_cxx(sys/sdt.h MSGCAPTURE_HAVE_SYS_SDT_H)
  if(NOT MSGCAPTURE_HAVE_SYS_SDT_H)
    message(FATAL_ERROR "The USDT tracepoints need <sys/sdt.h>: apt-get install systemtap-sdt-dev, "
                        "or configure with -DWITH_USDT=OFF to build the node without tracepoints.")
  endif()
endfunction()
