# One place for the flags every sala target gets.
function(sala_target_settings target)
  target_compile_features(${target} PUBLIC cxx_std_20)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
    -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual
    -Wnull-dereference -Wimplicit-fallthrough)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC 12 reports false positives deep inside Asio's coroutine frames and
    # std::variant (GCC bugs 105705, 106199); the checks stay on for clang.
    target_compile_options(${target} PRIVATE -Wno-null-dereference -Wno-maybe-uninitialized)
    # GCC 12 at -O2 flags std::string's own memcpy as overlapping (GCC bug 105329).
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
  if(SALA_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

if(SALA_SANITIZE)
  add_compile_options(-fsanitize=${SALA_SANITIZE} -fno-omit-frame-pointer -g)
  add_link_options(-fsanitize=${SALA_SANITIZE})
  if(SALA_SANITIZE MATCHES "undefined")
    add_compile_options(-fno-sanitize-recover=undefined)
    if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 17)
      # clang < 17 flags every coroutine resume as a bad function-pointer call.
      add_compile_options(-fno-sanitize=function)
    endif()
  endif()
endif()

# Line tables only (-g1) instead of full debug info in Debug builds: backtraces
# and ASan/TSan/UBSan reports still name function, file and line, but a
# debugger shows no variables. About an eighth less compile time; CI turns it
# on (scripts/test.sh), a developer's build keeps full -g.
set(SALA_DEBUG_INFO "" CACHE STRING "Debug info in Debug builds: '' (full, -g) or 'lines' (-g1)")
if(SALA_DEBUG_INFO STREQUAL "lines")
  # After the sanitizers' -g above and CMAKE_CXX_FLAGS_DEBUG's: the last -g wins.
  add_compile_options($<$<CONFIG:Debug>:-g1>)
endif()
