#include "server/web_site.hpp"

#include <boost/algorithm/string/predicate.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/rfc7230.hpp>
#include <boost/beast/http/status.hpp>

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <stdexcept>

namespace sala::server {

namespace http = boost::beast::http;

namespace {

// The client loads nothing from elsewhere and runs no inline script, so a
// strict policy costs it nothing and blunts any injection that slips through.
constexpr std::string_view security_headers
    = "Content-Security-Policy: default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; "
      "style-src 'self'; script-src 'self'; base-uri 'none'; frame-ancestors 'none'\r\n"
      "X-Content-Type-Options: nosniff\r\n"
      "Referrer-Policy: no-referrer\r\n";

// RFC 6455, 1.3: proves the server read this handshake.
constexpr std::string_view accept_guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

std::string_view content_type(std::string_view name)
{
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 8> types{{
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
        {".json", "application/json"},
        {".webmanifest", "application/manifest+json"},
    }};
    for (const auto& [ext, type] : types)
        if (name.ends_with(ext))
            return type;
    return "application/octet-stream";
}

std::string status_line(unsigned status)
{
    const auto reason = http::obsolete_reason(static_cast<http::status>(status));
    return "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason) + "\r\n";
}

web_site::answer error_answer(unsigned status, std::string_view extra_headers = {})
{
    web_site::answer a;
    a.status = status;
    a.next = web_site::answer::then::close;
    const auto body = std::to_string(status) + " " + std::string(http::obsolete_reason(static_cast<http::status>(status))) + "\n";
    a.response = status_line(status);
    a.response += "Content-Type: text/plain; charset=utf-8\r\n";
    a.response += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    a.response += extra_headers;
    a.response += "Connection: close\r\n\r\n";
    a.response += body;
    return a;
}

std::string accept_key(std::string_view key)
{
    std::string input(key);
    input += accept_guid;
    std::array<unsigned char, SHA_DIGEST_LENGTH> digest{};
    SHA1(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest.data());
    std::array<unsigned char, 4 * ((SHA_DIGEST_LENGTH + 2) / 3) + 1> encoded{};
    const auto n = EVP_EncodeBlock(encoded.data(), digest.data(), static_cast<int>(digest.size()));
    return {reinterpret_cast<const char*>(encoded.data()), static_cast<std::size_t>(n)};
}

// Beast's string_view type differs between Boost versions; this works with all.
template <class View>
std::string_view view(const View& v)
{
    return {v.data(), v.size()};
}

// Whether a comma-separated header such as Connection lists `token`.
template <class View>
bool lists_token(const View& header, std::string_view token)
{
    for (const auto& item : http::token_list(header))
        if (boost::algorithm::iequals(view(item), token))
            return true;
    return false;
}

std::string_view trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

}  // namespace

web_site::web_site(std::vector<std::string> allowed_origins, bool secure, std::span<const web_file> files)
    : allowed_origins_(std::move(allowed_origins)), secure_(secure)
{
    add_pages(files);
}

void web_site::add_pages(std::span<const web_file> files)
{
    for (const auto& f : files) {
        page p;
        p.path = "/" + std::string(f.name);
        p.body = f.body;
        p.head = status_line(200);
        p.head += "Content-Type: " + std::string(content_type(f.name)) + "\r\n";
        p.head += "Content-Length: " + std::to_string(f.body.size()) + "\r\n";
        // The files change with the binary: revalidating is cheap, stale is not.
        p.head += "Cache-Control: no-cache\r\n";
        p.head += security_headers;
        p.head += "\r\n";
        pages_.push_back(std::move(p));
    }
}

bool web_site::servable(std::string_view name)
{
    static const std::regex pattern(R"([A-Za-z0-9_-]+\.(html|js|css|svg|png|ico|json|webmanifest))");
    return std::regex_match(name.begin(), name.end(), pattern);
}

std::shared_ptr<const web_site> web_site::from_directory(
    const std::string& directory, std::vector<std::string> allowed_origins, bool secure)
{
    std::vector<std::string> names;
    std::vector<std::string> bodies;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(directory, ec)) {
        const auto name = entry.path().filename().string();
        if (!entry.is_regular_file() || !servable(name))
            continue;
        std::ifstream in(entry.path(), std::ios::binary);
        std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (!in && !in.eof())
            throw std::runtime_error("cannot read " + entry.path().string());
        names.push_back(name);
        bodies.push_back(std::move(body));
    }
    if (ec)
        throw std::runtime_error("cannot read the directory " + directory + ": " + ec.message());
    // The bodies move into the site before the views into them are taken.
    auto site = std::make_shared<web_site>(std::move(allowed_origins), secure, std::span<const web_file>{});
    site->owned_bodies_ = std::move(bodies);
    std::vector<web_file> files;
    for (std::size_t i = 0; i < names.size(); ++i)
        files.push_back({names[i], site->owned_bodies_[i]});
    site->add_pages(files);
    return site;
}

web_site::answer web_site::refuse(unsigned status)
{
    return error_answer(status);
}

web_site::answer web_site::respond(const web_request& request) const
{
    auto path = view(request.target());
    path = path.substr(0, path.find('?'));
    if (path == "/irc")
        return upgrade(request);
    const bool head = request.method() == http::verb::head;
    if (request.method() != http::verb::get && !head)
        return error_answer(405, "Allow: GET, HEAD\r\n");
    if (path == "/")
        path = "/index.html";
    const auto it = std::ranges::find(pages_, path, &page::path);
    if (it == pages_.end())
        return error_answer(404);
    answer a;
    a.status = 200;
    a.next = request.keep_alive() ? answer::then::keep_alive : answer::then::close;
    a.response = it->head;
    if (!head)
        a.response += it->body;
    return a;
}

bool web_site::origin_allowed(const web_request& request) const
{
    const auto origin = request.find(http::field::origin);
    if (origin == request.end())
        return true;  // not a browser: Origin guards browsers' users from other pages
    const auto value = trim(view(origin->value()));
    if (allowed_origins_.empty()) {
        const auto own = std::string(secure_ ? "https://" : "http://") + std::string(view(request[http::field::host]));
        return boost::algorithm::iequals(value, own);
    }
    return std::ranges::any_of(
        allowed_origins_, [&](const std::string& allowed) { return allowed == "*" || boost::algorithm::iequals(value, allowed); });
}

web_site::answer web_site::upgrade(const web_request& request) const
{
    if (request.method() != http::verb::get)
        return error_answer(405, "Allow: GET\r\n");
    if (!lists_token(request[http::field::upgrade], "websocket") || !lists_token(request[http::field::connection], "upgrade"))
        return error_answer(400);
    if (trim(view(request[http::field::sec_websocket_version])) != "13")
        return error_answer(426, "Sec-WebSocket-Version: 13\r\n");
    const auto key = trim(view(request[http::field::sec_websocket_key]));
    if (key.size() != 24)  // base64 of 16 bytes
        return error_answer(400);
    if (!origin_allowed(request))
        return error_answer(403);

    answer a;
    a.status = 101;
    a.next = answer::then::upgrade;
    std::string_view chosen;
    for (const auto& offered : http::token_list(request[http::field::sec_websocket_protocol])) {
        if (view(offered) == "binary.ircv3.net" || view(offered) == "text.ircv3.net") {
            chosen = view(offered);
            break;
        }
    }
    a.binary = chosen == "binary.ircv3.net";
    a.response = status_line(101);
    a.response += "Upgrade: websocket\r\nConnection: Upgrade\r\n";
    a.response += "Sec-WebSocket-Accept: " + accept_key(key) + "\r\n";
    if (!chosen.empty())
        a.response += "Sec-WebSocket-Protocol: " + std::string(chosen) + "\r\n";
    a.response += "\r\n";
    return a;
}

}  // namespace sala::server
