#pragma once
// What the store tests share: a temporary directory for real database files,
// and waiting on the store's own thread for a call's answer.

#include <unistd.h>

#include <filesystem>
#include <future>
#include <string>

namespace sala::store_test {

struct temp_dir {
    std::filesystem::path path;
    temp_dir()
    {
        std::string pattern = (std::filesystem::temp_directory_path() / "sala-store-XXXXXX").string();
        path = mkdtemp(pattern.data());
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
    ~temp_dir() { std::filesystem::remove_all(path); }
    [[nodiscard]] std::string file(const char* name) const { return (path / name).string(); }
};

// Starts a call with a `done` that hands its answer back here, and waits.
template <class Result, class Start>
Result wait_for(Start start)
{
    std::promise<Result> p;
    auto f = p.get_future();
    start([&p](Result r) { p.set_value(std::move(r)); });
    return f.get();
}

}  // namespace sala::store_test
