// Compiled only so that its target builds the precompiled header others reuse
// (cmake/precompiled_headers.cmake).
