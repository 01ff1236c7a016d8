// Accounts: SASL (AUTHENTICATE), REGISTER/VERIFY (draft/account-registration)
// and the NickServ service. The protocol checks what it can alone (syntax,
// SCRAM proofs); the server checks passwords and the store through
// effect::account_request and answers with account_answered().
#include <algorithm>

#include "core/auth/base64.hpp"
#include "core/auth/sasl_plain.hpp"
#include "irc/text.hpp"
#include "irc/names.hpp"
#include "irc/numerics.hpp"
#include "irc/replies.hpp"
#include "irc/session_protocol.hpp"
#include "irc/tokens.hpp"

namespace sala::irc {

namespace {

// SASL 3.1: AUTHENTICATE carries at most 400 bytes of base64; a full chunk
// means more follows.
constexpr std::size_t sasl_chunk = 400;
// A whole SASL message: a PLAIN login with a 300-byte password and long
// names is under 1 KiB of base64.
constexpr std::size_t max_sasl_message = 4 * sasl_chunk;
// draft/account-registration's advice: passwords must fit a NickServ line.
constexpr std::size_t max_password = 300;

constexpr std::string_view services_prefix = "NickServ!NickServ@services.";

std::string_view status_text(account_status s)
{
    switch (s) {
    case account_status::throttled:
        return "Too many failed attempts; try again later";
    case account_status::unavailable:
        return "Accounts are unavailable right now; try again later";
    default:
        return "Invalid account name or password";
    }
}

// Why `password` cannot be an account's, or empty when it can.
std::string password_problem(std::string_view password, std::size_t min_length)
{
    if (password.size() < min_length)
        return "Passwords must be at least " + std::to_string(min_length) + " bytes long";
    if (password.size() > max_password)
        return "Passwords must be at most " + std::to_string(max_password) + " bytes long";
    return {};
}

// A certificate fingerprint as sala shows them: 64 lowercase hex digits.
// Accepts upper case and ':' separators as other tools print them.
std::string normalize_fingerprint(std::string_view raw)
{
    std::string out;
    for (char c : raw) {
        if (c == ':')
            continue;
        if (!std::isxdigit(static_cast<unsigned char>(c)))
            return {};
        out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
    return out.size() == 64 ? out : std::string();
}

const std::string_view nickserv_help[] = {
    "NickServ keeps accounts: log in with SASL, or with these commands.",
    "REGISTER <password>            registers your current nick as an account",
    "IDENTIFY [account] <password>  logs you in",
    "LOGOUT                         logs you out",
    "GHOST <nick>                   disconnects someone using your account's nick",
    "CERT ADD [fingerprint]         lets a TLS client certificate log you in (SASL EXTERNAL)",
    "CERT DEL <fingerprint>         forgets one",
    "CERT LIST                      lists them",
    "SET PASSWORD <password>        changes your password",
    "DROP <account>                 deletes your account",
};

}  // namespace

session_protocol::~session_protocol() = default;

cap_set session_protocol::offered_caps_here() const
{
    constexpr cap_set account_caps = bit(cap::sasl) | bit(cap::account_registration);
    return settings_.accounts ? all_caps : static_cast<cap_set>(all_caps & ~account_caps);
}

std::string session_protocol::sasl_mechanisms() const
{
    // EXTERNAL only where it can work: over TLS.
    return secure_ ? "PLAIN,SCRAM-SHA-256,EXTERNAL" : "PLAIN,SCRAM-SHA-256";
}

void session_protocol::sasl_fail(effects& out, std::string_view code, std::string_view text)
{
    sasl_.reset();
    reply(out, code, {}, text);
}

void session_protocol::on_authenticate(effects& out, const message& msg)
{
    const std::string& param = msg.params[0];
    if (!settings_.accounts) {
        reply(out, numeric::saslfail, {}, "SASL authentication failed: this server keeps no accounts");
        return;
    }
    if (!has(cap::sasl)) {
        reply(out, numeric::saslfail, {}, "SASL authentication failed: the sasl capability was not requested");
        return;
    }
    if (param == "*") {
        sasl_fail(out, numeric::saslaborted, "SASL authentication aborted");
        return;
    }
    if (!sasl_) {
        if (!account_.empty())
            reply(out, numeric::saslalready, {}, "You have already authenticated using SASL");
        else
            sasl_start(out, to_upper(param));
        return;
    }
    if (sasl_->at == sasl_exchange::step::awaiting_server) {
        sasl_fail(out, numeric::saslfail, "SASL authentication failed");
        return;
    }
    if (param.size() > sasl_chunk) {
        sasl_fail(out, numeric::sasltoolong, "SASL message too long");
        return;
    }
    // 905 is for one line over 400 bytes; a message that never ends just fails.
    if (sasl_->buffer.size() + param.size() > max_sasl_message) {
        sasl_fail(out, numeric::saslfail, "SASL authentication failed: message too long");
        return;
    }
    if (param != "+")
        sasl_->buffer += param;
    if (param.size() == sasl_chunk)
        return;  // more follows
    std::string encoded = std::exchange(sasl_->buffer, {});
    auto decoded = encoded.empty() ? std::optional<std::string>(std::string()) : core::auth::base64_decode(encoded);
    if (!decoded) {
        sasl_fail(out, numeric::saslfail, "SASL authentication failed: not base64");
        return;
    }
    sasl_payload(out, std::move(*decoded));
}

void session_protocol::sasl_start(effects& out, std::string_view mechanism)
{
    using mech = sasl_exchange::mechanism;
    std::optional<mech> chosen;
    if (mechanism == "PLAIN")
        chosen = mech::plain;
    else if (mechanism == "SCRAM-SHA-256")
        chosen = mech::scram;
    else if (mechanism == "EXTERNAL" && secure_)
        chosen = mech::external;
    if (!chosen) {
        reply(out, numeric::saslmechs, {sasl_mechanisms()}, "are available SASL mechanisms");
        reply(out, numeric::saslfail, {}, "SASL authentication failed");
        return;
    }
    if (*chosen == mech::external && !has_certificate_) {
        reply(out, numeric::saslfail, {}, "SASL authentication failed: no client certificate was presented");
        return;
    }
    sasl_ = std::make_unique<sasl_exchange>();
    sasl_->mech = *chosen;
    out.emplace_back(effect::send{"AUTHENTICATE +\r\n"});
}

void session_protocol::sasl_payload(effects& out, std::string payload)
{
    using mech = sasl_exchange::mechanism;
    using step = sasl_exchange::step;
    auto& x = *sasl_;
    if (x.mech == mech::plain) {
        auto creds = core::auth::parse_plain(payload);
        // Logging in as someone else (an authzid of another account) is for
        // services operators, which sala does not have.
        // Names are UTF-8 (RFC 4616); one that is not names no account, and
        // must not reach a reply that would echo it.
        if (!creds || !valid_utf8(creds->authcid) || !valid_utf8(creds->authzid)
            || (!creds->authzid.empty() && !same_name(creds->authzid, creds->authcid))) {
            sasl_fail(out, numeric::saslfail, "SASL authentication failed");
            return;
        }
        x.at = step::awaiting_server;
        out.emplace_back(effect::account_request{effect::account_action::login_plain, effect::account_origin::sasl,
            std::move(creds->authcid), std::move(creds->password), {}});
        return;
    }
    if (x.mech == mech::external) {
        x.at = step::awaiting_server;
        out.emplace_back(effect::account_request{
            effect::account_action::login_external, effect::account_origin::sasl, std::move(payload), {}, {}});
        return;
    }
    switch (x.at) {
    case step::payload: {
        auto first = core::auth::parse_scram_client_first(payload);
        if (!first || !valid_utf8(first->username) || !valid_utf8(first->authzid)
            || (!first->authzid.empty() && !same_name(first->authzid, first->username))) {
            sasl_fail(out, numeric::saslfail, "SASL authentication failed");
            return;
        }
        x.account = first->username;
        x.scram_first = std::move(first);
        x.at = step::awaiting_server;
        out.emplace_back(effect::account_request{
            effect::account_action::scram_credentials, effect::account_origin::sasl, x.account, {}, {}});
        return;
    }
    case step::scram_final: {
        auto server_final = x.scram->finish(payload);
        if (!server_final) {
            out.emplace_back(effect::login_failed{x.account});
            sasl_fail(out, numeric::saslfail, "SASL authentication failed");
            return;
        }
        x.at = step::scram_done;
        out.emplace_back(effect::send{"AUTHENTICATE " + core::auth::base64_encode(*server_final) + "\r\n"});
        return;
    }
    case step::scram_done: {
        if (!payload.empty()) {
            sasl_fail(out, numeric::saslfail, "SASL authentication failed");
            return;
        }
        const auto account = x.account;
        log_in(out, account);
        reply(out, numeric::saslsuccess, {}, "SASL authentication successful");
        return;
    }
    case step::awaiting_server:
        break;
    }
    sasl_fail(out, numeric::saslfail, "SASL authentication failed");
}

void session_protocol::log_in(effects& out, const std::string& account)
{
    account_ = account;
    sasl_.reset();
    const auto who = registered_ ? prefix_ : nick_or_star() + "!" + (user_.empty() ? "*" : user_) + "@" + host_;
    reply(out, numeric::loggedin, {who, account_}, "You are now logged in as " + account_);
    out.emplace_back(effect::account_changed{account_, registered_ ? relay(prefix_, "ACCOUNT", {account_}) : ""});
}

void session_protocol::account_fail(
    effects& out, const effect::account_request& asked, std::string_view code, std::string_view text)
{
    std::string line = ":" + settings_.server_name + " FAIL REGISTER " + std::string(code) + " "
        + (asked.account.empty() ? "*" : asked.account) + " :" + std::string(text) + "\r\n";
    fit_line(line);
    out.emplace_back(effect::send{std::move(line)});
}

session_protocol::effects session_protocol::account_answered(
    const effect::account_request& asked, const account_outcome& outcome)
{
    using action = effect::account_action;
    effects out;
    const bool ok = outcome.status == account_status::ok;
    switch (asked.origin) {
    case effect::account_origin::sasl:
        if (!sasl_)
            return out;  // aborted meanwhile
        if (asked.action == action::scram_credentials && ok && outcome.scram) {
            auto& x = *sasl_;
            x.scram.emplace(*x.scram_first, *outcome.scram, outcome.server_nonce);
            x.at = sasl_exchange::step::scram_final;
            out.emplace_back(effect::send{"AUTHENTICATE " + core::auth::base64_encode(x.scram->server_first()) + "\r\n"});
        } else if (ok && asked.action != action::scram_credentials) {
            log_in(out, outcome.account);
            reply(out, numeric::saslsuccess, {}, "SASL authentication successful");
        } else {
            sasl_fail(out, numeric::saslfail, "SASL authentication failed: " + std::string(status_text(outcome.status)));
        }
        return out;
    case effect::account_origin::register_command:
        if (ok) {
            std::string line = ":" + settings_.server_name + " REGISTER SUCCESS " + outcome.account
                + " :Account created\r\n";
            out.emplace_back(effect::send{std::move(line)});
            log_in(out, outcome.account);
        } else if (outcome.status == account_status::exists) {
            account_fail(out, asked, "ACCOUNT_EXISTS", "Account already exists");
        } else {
            account_fail(out, asked, "TEMPORARILY_UNAVAILABLE", status_text(outcome.status));
        }
        return out;
    case effect::account_origin::nickserv:
        break;
    }
    switch (asked.action) {
    case action::register_account:
        if (ok) {
            services_reply(out, "Account " + outcome.account + " registered; you are now logged in.");
            log_in(out, outcome.account);
        } else if (outcome.status == account_status::exists) {
            services_reply(out, "The account " + asked.account + " is already registered.");
        } else {
            services_reply(out, status_text(outcome.status));
        }
        break;
    case action::login_plain:
    case action::login_external:
        if (ok) {
            services_reply(out, "You are now logged in as " + outcome.account + ".");
            log_in(out, outcome.account);
        } else {
            services_reply(out, std::string(status_text(outcome.status)) + ".");
        }
        break;
    case action::drop:
        if (ok) {
            services_reply(out, "Account " + asked.account + " has been dropped.");
            account_.clear();
            reply(out, numeric::loggedout, {prefix_}, "You are now logged out");
            out.emplace_back(effect::account_changed{{}, relay(prefix_, "ACCOUNT", {"*"})});
        } else {
            services_reply(out, status_text(outcome.status));
        }
        break;
    case action::ghost:
        if (ok)
            services_reply(out, asked.argument + " has been disconnected.");
        else if (outcome.status == account_status::missing)
            services_reply(out, "No one is using the nick " + asked.argument + ".");
        else if (outcome.status == account_status::not_yours)
            services_reply(out, asked.argument + " is not logged in to your account and is not its name.");
        else
            services_reply(out, status_text(outcome.status));
        break;
    case action::cert_add:
        if (ok)
            services_reply(out, "Certificate "
                    + (outcome.certfps.empty() ? asked.argument : outcome.certfps.front()) + " can now log you in.");
        else if (outcome.status == account_status::exists)
            services_reply(out, "That certificate already logs in to another account.");
        else
            services_reply(out, status_text(outcome.status));
        break;
    case action::cert_del:
        if (ok)
            services_reply(out, "Certificate " + asked.argument + " removed.");
        else if (outcome.status == account_status::missing)
            services_reply(out, "That certificate is not on your account.");
        else
            services_reply(out, status_text(outcome.status));
        break;
    case action::cert_list:
        if (!ok) {
            services_reply(out, status_text(outcome.status));
        } else if (outcome.certfps.empty()) {
            services_reply(out, "No certificates log in to " + account_ + ".");
        } else {
            services_reply(out, "Certificates that log in to " + account_ + ":");
            for (const auto& fp : outcome.certfps)
                services_reply(out, fp);
        }
        break;
    case action::set_password:
        services_reply(out, ok ? std::string("Your password has been changed.") : std::string(status_text(outcome.status)));
        break;
    case action::scram_credentials:
        break;
    }
    return out;
}

// ---- REGISTER and VERIFY (draft/account-registration) -----------------------

void session_protocol::on_register(effects& out, const message& msg)
{
    effect::account_request asked{effect::account_action::register_account, effect::account_origin::register_command,
        msg.params.empty() ? std::string() : msg.params[0], {}, {}};
    if (msg.params.size() < 3) {
        reply(out, numeric::needmoreparams, {"REGISTER"}, "Not enough parameters");
        return;
    }
    if (nick_.empty()) {
        // A nick someone else holds is no name for a new account either.
        if (!refused_nick_.empty()) {
            asked.account = refused_nick_;
            account_fail(out, asked, "ACCOUNT_EXISTS", "That nick is in use; choose another first");
            return;
        }
        asked.account.clear();
        account_fail(out, asked, "NEED_NICK", "Choose a nick first: the account is named after it");
        return;
    }
    if (!account_.empty()) {
        account_fail(out, asked, "ALREADY_AUTHENTICATED", "You are already logged in as " + account_);
        return;
    }
    // No custom-account-name: an account is its owner's nick.
    if (asked.account != "*" && !same_name(asked.account, nick_)) {
        account_fail(out, asked, "ACCOUNT_NAME_MUST_BE_NICK", "The account must be named after your current nick");
        return;
    }
    asked.account = nick_;
    if (const auto problem = password_problem(msg.params[2], settings_.password_min_length); !problem.empty()) {
        account_fail(out, asked, "WEAK_PASSWORD", problem);
        return;
    }
    asked.password = msg.params[2];
    out.emplace_back(std::move(asked));
}

void session_protocol::on_verify(effects& out, const message& msg)
{
    // Nothing is ever left to verify: REGISTER completes or fails at once.
    const std::string account = msg.params.empty() || msg.params[0].empty() ? "*" : msg.params[0];
    std::string line = ":" + settings_.server_name + " FAIL VERIFY INVALID_CODE " + account
        + " :No registration is waiting for a code\r\n";
    fit_line(line);
    out.emplace_back(effect::send{std::move(line)});
}

// ---- NickServ ----------------------------------------------------------------

std::string session_protocol::services_notice(std::string_view text) const
{
    return relay(services_prefix, "NOTICE", {nick_or_star()}, text);
}

void session_protocol::services_reply(effects& out, std::string_view text) const
{
    out.emplace_back(effect::send{services_notice(text)});
}

std::string session_protocol::nick_protected_notice(std::uint64_t grace_seconds) const
{
    return services_notice("The nick " + nick_ + " belongs to a registered account. Log in to it (/msg NickServ "
        "IDENTIFY <password>) within " + std::to_string(grace_seconds) + " seconds or your nick will be changed.");
}

session_protocol::effects session_protocol::nick_forced(std::string guest)
{
    effects out;
    services_reply(out, "You did not log in to " + nick_ + "; your nick is now " + guest + ".");
    auto line = relay(prefix_, "NICK", {}, guest);
    nick_ = guest;
    prefix_ = nick_ + "!" + user_ + "@" + host_;
    out.emplace_back(effect::nick_changed{std::move(line), std::move(guest)});
    return out;
}

void session_protocol::on_nickserv_command(effects& out, const message& msg)
{
    std::string text;
    for (const auto& p : msg.params)
        text += (text.empty() ? "" : " ") + p;
    nickserv(out, text);
}

void session_protocol::nickserv(effects& out, std::string_view text)
{
    using action = effect::account_action;
    const auto words = split_list(text, ' ');
    const std::string verb = words.empty() ? std::string("HELP") : to_upper(words[0]);
    const auto arg = [&words](std::size_t i) { return i < words.size() ? words[i] : std::string(); };
    const auto ask = [&out](action a, std::string account, std::string password = {}, std::string argument = {}) {
        out.emplace_back(effect::account_request{
            a, effect::account_origin::nickserv, std::move(account), std::move(password), std::move(argument)});
    };
    const bool needs_login = verb == "LOGOUT" || verb == "GHOST" || verb == "CERT" || verb == "SET"
        || verb == "DROP";
    if (needs_login && account_.empty()) {
        services_reply(out, "You are not logged in.");
        return;
    }
    if (verb == "HELP") {
        for (auto line : nickserv_help)
            services_reply(out, line);
    } else if (verb == "REGISTER") {
        if (!account_.empty())
            services_reply(out, "You are already logged in as " + account_ + ".");
        else if (words.size() < 2)
            services_reply(out, "Usage: REGISTER <password>");
        else if (const auto problem = password_problem(arg(1), settings_.password_min_length); !problem.empty())
            services_reply(out, std::string(problem) + ".");
        else
            ask(action::register_account, nick_, arg(1));
    } else if (verb == "IDENTIFY") {
        if (!account_.empty())
            services_reply(out, "You are already logged in as " + account_ + ".");
        else if (words.size() < 2)
            services_reply(out, "Usage: IDENTIFY [account] <password>");
        else if (words.size() == 2)
            ask(action::login_plain, nick_, arg(1));
        else
            ask(action::login_plain, arg(1), arg(2));
    } else if (verb == "LOGOUT") {
        account_.clear();
        services_reply(out, "You are now logged out.");
        reply(out, numeric::loggedout, {prefix_}, "You are now logged out");
        out.emplace_back(effect::account_changed{{}, relay(prefix_, "ACCOUNT", {"*"})});
    } else if (verb == "GHOST") {
        if (words.size() < 2)
            services_reply(out, "Usage: GHOST <nick>");
        else if (same_name(arg(1), nick_))
            services_reply(out, "That is you.");
        else
            ask(action::ghost, account_, {}, arg(1));
    } else if (verb == "CERT") {
        const auto sub = to_upper(arg(1));
        if (sub == "LIST") {
            ask(action::cert_list, account_);
        } else if (sub == "ADD" || sub == "DEL") {
            // CERT ADD alone: this connection's certificate, which the server knows.
            std::string fp = words.size() > 2 ? normalize_fingerprint(arg(2)) : std::string();
            if (fp.empty() && (words.size() > 2 || sub == "DEL" || !has_certificate_))
                services_reply(out, words.size() > 2 ? "That is not a SHA-256 certificate fingerprint."
                                                     : "Name a fingerprint, or connect with a client certificate.");
            else
                ask(sub == "ADD" ? action::cert_add : action::cert_del, account_, {}, std::move(fp));
        } else {
            services_reply(out, "Usage: CERT ADD [fingerprint] | CERT DEL <fingerprint> | CERT LIST");
        }
    } else if (verb == "SET") {
        if (to_upper(arg(1)) != "PASSWORD" || words.size() < 3)
            services_reply(out, "Usage: SET PASSWORD <password>");
        else if (const auto problem = password_problem(arg(2), settings_.password_min_length); !problem.empty())
            services_reply(out, std::string(problem) + ".");
        else
            ask(action::set_password, account_, arg(2));
    } else if (verb == "DROP") {
        if (!same_name(arg(1), account_))
            services_reply(out, "To delete your account for good, type: /msg NickServ DROP " + account_);
        else
            ask(action::drop, account_);
    } else {
        services_reply(out, "Unknown command " + verb + ". Type /msg NickServ HELP");
    }
}

}  // namespace sala::irc
