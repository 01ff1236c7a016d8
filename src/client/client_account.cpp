// Accounts in the client state machine: the SASL login that --sasl asks for
// during registration, the login numerics (900-908), and the replies to
// /register and /verify (IRCv3 draft/account-registration).
//
// A login that the server rejects (904 and friends) stops the client instead
// of going on as a guest: whoever asked for --sasl expects to be logged in,
// and a guest session under their nick, or reconnecting to retry the same
// rejected password, is worse than a clear "login failed" and an exit. A
// server that does not offer SASL (or the mechanism) cannot log anyone in;
// that is said, and the client goes on without an account.
#include "client/client_state.hpp"

namespace sala::client {

namespace {

std::string last_text(const irc::message& m, std::size_t min_params)
{
    return m.params.size() >= min_params ? m.params.back() : std::string();
}

}  // namespace

void client_state::note_sasl_offer(std::string_view value)
{
    sasl_offered_ = true;
    sasl_mechanisms_ = std::string(value);
}

bool client_state::request_sasl(clock_time now)
{
    const auto mechanism = settings_.sasl.mechanism;
    if (mechanism == sasl_mechanism::none || state_ != connection_state::registering)
        return false;
    if (!sasl_offered_) {
        info("the server does not offer SASL: continuing without logging in", now, true);
        return false;
    }
    if (!mechanism_offered(sasl_mechanisms_, mechanism)) {
        info("the server does not offer SASL " + std::string(mechanism_name(mechanism)) + " (only "
                 + sasl_mechanisms_ + "): continuing without logging in",
             now, true);
        return false;
    }
    sasl_step_ = sasl_step::requested;
    return true;
}

void client_state::after_cap_reply(clock_time now)
{
    if (sasl_step_ == sasl_step::requested) {
        if (has_cap("sasl")) {
            sasl_step_ = sasl_step::authenticating;
            sasl_conversation_.emplace(settings_.sasl);
            send("AUTHENTICATE", {std::string(mechanism_name(settings_.sasl.mechanism))});
            return;
        }
        sasl_step_ = sasl_step::idle;
        info("the server refused the sasl capability: continuing without logging in", now, true);
    }
    // During the login CAP END waits for its outcome: registration must not
    // complete before we know whether we are logged in.
    if (sasl_step_ == sasl_step::authenticating)
        return;
    send("CAP", {"END"});
}

void client_state::handle_authenticate(const irc::message& m, clock_time t)
{
    if (sasl_step_ != sasl_step::authenticating || !sasl_conversation_)
        return;
    auto reply = sasl_conversation_->on_challenge(m.params.empty() ? std::string_view("+") : m.params[0]);
    for (auto& param : reply.params)
        send("AUTHENTICATE", {std::move(param)});
    if (!reply.failure.empty())
        login_failed(std::move(reply.failure), t);
}

bool client_state::handle_sasl_numeric(const irc::message& m, clock_time t)
{
    const std::string_view code = m.command;
    if (code.size() != 3 || !code.starts_with("90"))
        return false;
    const bool logging_in = state_ == connection_state::registering && sasl_step_ == sasl_step::authenticating;
    if (code == "900") {  // RPL_LOGGEDIN <nick> <mask> <account> :text
        if (m.params.size() >= 3 && !m.params[2].empty() && m.params[2] != account_) {
            account_ = m.params[2];
            info("logged in as " + account_, t);
        }
    } else if (code == "901") {  // RPL_LOGGEDOUT
        if (!account_.empty())
            info("logged out of " + account_, t);
        account_.clear();
    } else if (code == "903" && logging_in && settings_.sasl.mechanism == sasl_mechanism::scram_sha_256
               && sasl_conversation_ && !sasl_conversation_->finished()) {
        // SCRAM's point is that the server proves itself too: success
        // without that proof is from a server that does not know the keys.
        login_failed("the server claimed success without proving it knows your password", t);
    } else if (code == "903" || code == "907") {  // RPL_SASLSUCCESS, ERR_SASLALREADY
        if (logging_in) {
            sasl_step_ = sasl_step::done;
            sasl_conversation_.reset();
            send("CAP", {"END"});
        }
    } else if (code == "908") {  // RPL_SASLMECHS <nick> <mechanisms> :text
        if (m.params.size() >= 3)
            sasl_mechanisms_ = m.params[1];
    } else if (code == "902" || code == "904" || code == "905" || code == "906") {
        // ERR_NICKLOCKED, ERR_SASLFAIL, ERR_SASLTOOLONG, ERR_SASLABORTED
        std::string why = last_text(m, 2);
        if (why.empty())
            why = "the server said " + std::string(code);
        if (!sasl_mechanisms_.empty() && !mechanism_offered(sasl_mechanisms_, settings_.sasl.mechanism))
            why += " (the server offers " + sasl_mechanisms_ + ")";
        if (logging_in)
            login_failed(std::move(why), t);
        else
            info("login: " + why, t, true);
    } else {
        return false;
    }
    return true;
}

void client_state::login_failed(std::string reason, clock_time t)
{
    sasl_step_ = sasl_step::done;
    sasl_conversation_.reset();
    info("login failed: " + reason + "; not continuing as a guest", t, true);
    login_failure_ = std::move(reason);
    quit("login failed");
}

void client_state::handle_account_reply(std::string_view command, const irc::message& m, clock_time t)
{
    // REGISTER|VERIFY SUCCESS|VERIFICATION_REQUIRED <account> :text
    if (m.params.size() < 2)
        return;
    const std::string& outcome = m.params[0];
    const std::string& account = m.params[1];
    const std::string text = last_text(m, 3);
    const std::string said = text.empty() ? std::string() : ": " + text;
    if (outcome == "SUCCESS") {
        account_ = account;
        info(std::string(command == "VERIFY" ? "verified" : "registered") + " account " + account
                 + ", logged in" + said,
             t);
    } else if (outcome == "VERIFICATION_REQUIRED") {
        info("account " + account + " needs verifying" + said + " (then /verify " + account + " CODE)", t);
    }
}

void client_state::handle_account_fail(const irc::message& m, clock_time t)
{
    // FAIL REGISTER|VERIFY <code> [<account>] :text
    const std::string what = m.params[0] == "VERIFY" ? "verify" : "register";
    const std::string code = m.params.size() >= 3 ? m.params[1] : std::string();
    const std::string text = last_text(m, 3);
    info(what + " failed: " + (text.empty() ? code : text + (code.empty() ? "" : " (" + code + ")")), t, true);
}

}  // namespace sala::client
