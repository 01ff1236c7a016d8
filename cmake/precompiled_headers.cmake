# Precompiled headers: most of a Debug compile is spent parsing the standard
# library, Asio, spdlog and Catch2 again in every file. Each set below is
# compiled once, by a small donor target, and reused (REUSE_FROM) by every
# target of the same kind, so a fresh build (what CI does under eight presets)
# parses each set once per preset instead of once per file.
#
# A donor carries the compile definitions that change what its headers mean
# (sala_deps's BOOST_ASIO_SEPARATE_COMPILATION, the spdlog/fmt mode); targets
# that reuse it must link the same ones, which is why there is one donor per kind.
#
# The headers are force-included, so a file that forgets an #include still
# builds with them: configure with -DSALA_PCH=OFF to check that nothing does.
#
# Off by default in Release builds: their time goes to optimizing rather than
# parsing, and GCC 12 at -O3 with the precompiled headers reports
# -Wstringop-overflow inside libstdc++'s string code (irc/history_lines.cpp)
# that the same build without them does not.
if(CMAKE_BUILD_TYPE STREQUAL "Release")
  set(sala_pch_default OFF)
else()
  set(sala_pch_default ON)
endif()
option(SALA_PCH "Precompile the standard, Boost, spdlog and Catch2 headers (OFF checks every #include)"
  ${sala_pch_default})

set(sala_pch_std_headers
  <algorithm> <array> <chrono> <cstddef> <cstdint> <deque> <functional> <map> <memory>
  <optional> <span> <string> <string_view> <unordered_map> <utility> <variant> <vector>)

set(sala_pch_asio_headers
  ${sala_pch_std_headers}
  <boost/asio/any_io_executor.hpp> <boost/asio/as_tuple.hpp> <boost/asio/awaitable.hpp>
  <boost/asio/co_spawn.hpp> <boost/asio/detached.hpp> <boost/asio/experimental/concurrent_channel.hpp>
  <boost/asio/io_context.hpp> <boost/asio/ip/tcp.hpp> <boost/asio/post.hpp>
  <boost/asio/ssl/context.hpp> <boost/asio/ssl/stream.hpp> <boost/asio/steady_timer.hpp>
  <boost/asio/use_awaitable.hpp> <boost/beast/http/message.hpp> <boost/beast/http/parser.hpp>
  <spdlog/spdlog.h>)

set(sala_pch_test_headers
  ${sala_pch_std_headers}
  ${PROJECT_SOURCE_DIR}/tests/support/catch.hpp)

# A target whose only job is to compile one set of headers for others to reuse.
function(sala_pch_donor kind)
  if(NOT SALA_PCH)
    return()
  endif()
  add_library(sala_pch_${kind} OBJECT ${PROJECT_SOURCE_DIR}/cmake/pch/donor.cpp)
  target_link_libraries(sala_pch_${kind} PRIVATE ${ARGN})
  sala_target_settings(sala_pch_${kind})
  target_precompile_headers(sala_pch_${kind} PRIVATE ${sala_pch_${kind}_headers})
endfunction()

# `kind` is std (standard library only), asio (links sala_asio) or test (links sala_test_main).
function(sala_use_pch target kind)
  if(SALA_PCH)
    target_precompile_headers(${target} REUSE_FROM sala_pch_${kind})
  endif()
endfunction()
