#include "store/sqlite/server_bans_sql.hpp"

#include "irc/names.hpp"
#include "store/sqlite/database.hpp"

namespace sala::store::sqlite {

std::vector<core::server_ban> select_server_bans(database& db, std::int64_t now_ms)
{
    // The mask breaks ties, so bans set in one millisecond load in the same
    // order every time.
    statement_use rows(db.prepare("SELECT mask, reason, set_by, set_at_ms, expires_at_ms FROM server_ban"
                                  " WHERE expires_at_ms = 0 OR expires_at_ms > ?1 ORDER BY set_at_ms, mask_key"));
    rows->bind(1, now_ms);
    std::vector<core::server_ban> found;
    while (rows->step())
        found.push_back({rows->text(0), rows->text(1), rows->text(2), rows->int64(3), rows->int64(4)});
    return found;
}

store::write_status upsert_server_ban(database& db, const core::server_ban& ban)
{
    transaction t(db);
    // The new ban keeps the spelling of its own mask.
    statement_use upsert(db.prepare("INSERT OR REPLACE INTO server_ban"
                                    " (mask_key, mask, reason, set_by, set_at_ms, expires_at_ms)"
                                    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
    upsert->bind(1, irc::fold(ban.mask)).bind(2, ban.mask).bind(3, ban.reason).bind(4, ban.set_by);
    upsert->bind(5, ban.set_at_ms).bind(6, ban.expires_at_ms);
    upsert->step();
    t.commit();
    return store::write_status::ok;
}

store::write_status delete_server_ban(database& db, std::string_view mask)
{
    transaction t(db);
    statement_use remove(db.prepare("DELETE FROM server_ban WHERE mask_key = ?1"));
    remove->bind(1, irc::fold(mask));
    remove->step();
    if (db.changes() == 0)
        return store::write_status::missing;
    t.commit();
    return store::write_status::ok;
}

}  // namespace sala::store::sqlite
