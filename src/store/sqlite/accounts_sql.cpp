#include "store/sqlite/accounts_sql.hpp"

#include "irc/names.hpp"
#include "store/sqlite/database.hpp"

namespace sala::store::sqlite {

namespace {

std::optional<core::account> load(database& db, std::string_view key)
{
    statement_use row(db.prepare("SELECT name, password_hash, scram_salt, scram_iterations, scram_stored_key,"
                                 " scram_server_key, registered_ms FROM account WHERE name_key = ?1"));
    row->bind(1, key);
    if (!row->step())
        return std::nullopt;
    core::account a;
    a.name = row->text(0);
    a.password_hash = row->text(1);
    a.scram_salt = std::string(row->blob(2));
    a.scram_iterations = static_cast<std::uint32_t>(row->int64(3));
    a.scram_stored_key = std::string(row->blob(4));
    a.scram_server_key = std::string(row->blob(5));
    a.registered_ms = row->int64(6);
    statement_use certs(db.prepare("SELECT certfp FROM account_certfp WHERE name_key = ?1 ORDER BY certfp"));
    certs->bind(1, key);
    while (certs->step())
        a.certfps.push_back(certs->text(0));
    return a;
}

bool exists(database& db, std::string_view key)
{
    statement_use row(db.prepare("SELECT 1 FROM account WHERE name_key = ?1"));
    row->bind(1, key);
    return row->step();
}

}  // namespace

std::optional<core::account> select_account(database& db, std::string_view name)
{
    return load(db, irc::fold(name));
}

std::optional<core::account> select_account_by_certfp(database& db, std::string_view certfp)
{
    std::string key;
    {
        statement_use row(db.prepare("SELECT name_key FROM account_certfp WHERE certfp = ?1"));
        row->bind(1, certfp);
        if (!row->step())
            return std::nullopt;
        key = row->text(0);
    }
    return load(db, key);
}

store::write_status insert_account(database& db, const core::account& a)
{
    const auto key = irc::fold(a.name);
    transaction t(db);
    if (exists(db, key))
        return store::write_status::exists;
    statement_use insert(db.prepare("INSERT INTO account (name_key, name, password_hash, scram_salt, scram_iterations,"
                                    " scram_stored_key, scram_server_key, registered_ms)"
                                    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
    insert->bind(1, key).bind(2, a.name).bind(3, a.password_hash).bind_blob(4, a.scram_salt);
    insert->bind(5, static_cast<std::int64_t>(a.scram_iterations)).bind_blob(6, a.scram_stored_key);
    insert->bind_blob(7, a.scram_server_key).bind(8, a.registered_ms);
    insert->step();
    // Certificates left behind by a dropped account of the same name must
    // not come back with the new one.
    statement_use stale(db.prepare("DELETE FROM account_certfp WHERE name_key = ?1"));
    stale->bind(1, key);
    stale->step();
    t.commit();
    return store::write_status::ok;
}

store::write_status update_account_password(database& db, const core::account& a)
{
    transaction t(db);
    statement_use update(db.prepare("UPDATE account SET password_hash = ?2, scram_salt = ?3, scram_iterations = ?4,"
                                    " scram_stored_key = ?5, scram_server_key = ?6 WHERE name_key = ?1"));
    update->bind(1, irc::fold(a.name)).bind(2, a.password_hash).bind_blob(3, a.scram_salt);
    update->bind(4, static_cast<std::int64_t>(a.scram_iterations)).bind_blob(5, a.scram_stored_key);
    update->bind_blob(6, a.scram_server_key);
    update->step();
    if (db.changes() == 0)
        return store::write_status::missing;
    t.commit();
    return store::write_status::ok;
}

store::write_status insert_account_certfp(database& db, std::string_view name, std::string_view certfp)
{
    const auto key = irc::fold(name);
    transaction t(db);
    if (!exists(db, key))
        return store::write_status::missing;
    statement_use insert(db.prepare("INSERT OR IGNORE INTO account_certfp (certfp, name_key) VALUES (?1, ?2)"));
    insert->bind(1, certfp).bind(2, key);
    insert->step();
    if (db.changes() == 0) {
        statement_use owner(db.prepare("SELECT name_key FROM account_certfp WHERE certfp = ?1"));
        owner->bind(1, certfp);
        // Adding one's own certificate again is no error.
        if (owner->step() && owner->text(0) == key)
            return store::write_status::ok;
        return store::write_status::exists;
    }
    t.commit();
    return store::write_status::ok;
}

store::write_status delete_account_certfp(database& db, std::string_view name, std::string_view certfp)
{
    transaction t(db);
    statement_use remove(db.prepare("DELETE FROM account_certfp WHERE certfp = ?1 AND name_key = ?2"));
    remove->bind(1, certfp).bind(2, irc::fold(name));
    remove->step();
    if (db.changes() == 0)
        return store::write_status::missing;
    t.commit();
    return store::write_status::ok;
}

store::write_status delete_account(database& db, std::string_view name)
{
    const auto key = irc::fold(name);
    transaction t(db);
    statement_use remove(db.prepare("DELETE FROM account WHERE name_key = ?1"));
    remove->bind(1, key);
    remove->step();
    if (db.changes() == 0)
        return store::write_status::missing;
    statement_use certs(db.prepare("DELETE FROM account_certfp WHERE name_key = ?1"));
    certs->bind(1, key);
    certs->step();
    t.commit();
    return store::write_status::ok;
}

}  // namespace sala::store::sqlite
