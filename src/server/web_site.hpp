#pragma once
// What the web port answers to one HTTP request: sala's web client (the
// files of src/web/, built into the binary) and, at /irc, the upgrade to IRC
// over WebSocket for the origins allowed. Pure: a parsed request in, the
// response's bytes and what the connection does next out.
// Thread-safety: immutable after construction; shared by every shard.

#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sala::server {

// A file of the web client, as embedded at build time (web_files.cpp).
struct web_file {
    std::string_view name;  // "index.html", "app.js", ...
    std::string_view body;
};
[[nodiscard]] std::span<const web_file> web_client_files();

using web_request = boost::beast::http::request<boost::beast::http::empty_body>;

class web_site {
public:
    // `allowed_origins`: exact origins, or "*" for any; empty: the page's
    // own origin only. `secure`: the web port speaks TLS (https origins).
    web_site(std::vector<std::string> allowed_origins, bool secure,
        std::span<const web_file> files = web_client_files());
    // The same with the files of `directory` instead of the built-in ones,
    // read once now: for working on the client without rebuilding the
    // server. Throws std::runtime_error when the directory cannot be read.
    static std::shared_ptr<const web_site> from_directory(
        const std::string& directory, std::vector<std::string> allowed_origins, bool secure);
    // Whether `name` is one the site serves (as cmake/embed_files.cmake picks them).
    [[nodiscard]] static bool servable(std::string_view name);

    struct answer {
        enum class then : std::uint8_t { keep_alive, close, upgrade };
        std::string response;  // status line, headers and body
        then next = then::close;
        unsigned status = 0;
        bool binary = false;  // upgrade: binary.ircv3.net was chosen
    };
    [[nodiscard]] answer respond(const web_request& request) const;
    // For a request that could not be read: 400, or 431 for headers too large.
    [[nodiscard]] static answer refuse(unsigned status);

private:
    void add_pages(std::span<const web_file> files);
    [[nodiscard]] answer upgrade(const web_request& request) const;
    [[nodiscard]] bool origin_allowed(const web_request& request) const;

    struct page {
        std::string path;  // "/app.js"
        std::string head;  // status line and headers, for GET and HEAD
        std::string_view body;
    };
    std::vector<page> pages_;
    std::vector<std::string> owned_bodies_;  // from_directory's files
    std::vector<std::string> allowed_origins_;
    bool secure_;
};

}  // namespace sala::server
