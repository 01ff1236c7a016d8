// Catch2 v2 needs its main compiled once; with v3 this file is empty and
// Catch2WithMain provides it.
#if !defined(SALA_CATCH2_V3)
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
#endif
