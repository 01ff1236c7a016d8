find_package(Threads REQUIRED)
# Asio and Beast are header-only; JSON is compiled in one TU in header-only mode.
find_package(Boost 1.81 REQUIRED CONFIG COMPONENTS headers)
find_package(CLI11 REQUIRED CONFIG)
find_package(SQLite3 REQUIRED)
find_package(OpenSSL 3 REQUIRED)
# Password hashing (argon2id); Debian's libsodium ships pkg-config data, no CMake config.
find_package(PkgConfig REQUIRED)
pkg_check_modules(sodium REQUIRED IMPORTED_TARGET libsodium)
# The cluster's engine client (nats.c); Debian ships pkg-config data only.
pkg_check_modules(nats REQUIRED IMPORTED_TARGET libnats)

add_library(sala_deps INTERFACE)
target_link_libraries(sala_deps INTERFACE Boost::headers CLI11::CLI11 Threads::Threads)
target_compile_definitions(sala_deps INTERFACE
  BOOST_ASIO_SEPARATE_COMPILATION
  BOOST_ASIO_NO_DEPRECATED
  BOOST_JSON_NO_LIB BOOST_CONTAINER_NO_LIB)

if(SALA_HEADER_ONLY_DEPS)
  # Debian's compiled spdlog and fmt are built against libstdc++.
  find_package(fmt REQUIRED CONFIG)
  target_compile_definitions(sala_deps INTERFACE SPDLOG_FMT_EXTERNAL FMT_HEADER_ONLY)
  target_link_libraries(sala_deps INTERFACE fmt::fmt-header-only)
else()
  find_package(spdlog REQUIRED CONFIG)
  target_link_libraries(sala_deps INTERFACE spdlog::spdlog)
endif()
