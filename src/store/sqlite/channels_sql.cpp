#include "store/sqlite/channels_sql.hpp"

#include "irc/names.hpp"
#include "store/sqlite/database.hpp"

namespace sala::store::sqlite {

namespace {

void delete_lists(database& db, std::string_view key)
{
    statement_use remove(db.prepare("DELETE FROM channel_list WHERE name_key = ?1"));
    remove->bind(1, key);
    remove->step();
}

void insert_lists(database& db, std::string_view key, const std::vector<core::registered_list_entry>& lists)
{
    statement_use insert(db.prepare("INSERT INTO channel_list (name_key, position, list, mask, set_by, set_at)"
                                    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
    std::int64_t position = 0;
    for (const auto& e : lists) {
        insert->bind(1, key).bind(2, position++).bind(3, std::string_view(&e.list, 1)).bind(4, e.mask);
        insert->bind(5, e.set_by).bind(6, e.set_at);
        insert->step();
        insert->reset();
    }
}

}  // namespace

std::optional<core::channel_registration> select_channel(database& db, std::string_view name)
{
    const auto key = irc::fold(name);
    core::channel_registration c;
    {
        statement_use row(db.prepare("SELECT name, founder, registered_ms, topic, topic_set_by, topic_set_at_ms,"
                                     " flags, join_key, user_limit FROM channel WHERE name_key = ?1"));
        row->bind(1, key);
        if (!row->step())
            return std::nullopt;
        c.name = row->text(0);
        c.founder = row->text(1);
        c.registered_ms = row->int64(2);
        c.topic = row->text(3);
        c.topic_set_by = row->text(4);
        c.topic_set_at_ms = row->int64(5);
        c.flags = row->text(6);
        c.key = row->text(7);
        c.limit = static_cast<std::uint32_t>(row->int64(8));
    }
    statement_use entries(db.prepare("SELECT list, mask, set_by, set_at FROM channel_list WHERE name_key = ?1"
                                     " ORDER BY position"));
    entries->bind(1, key);
    while (entries->step()) {
        // The table's CHECK keeps `list` one character long.
        c.lists.push_back({entries->text(0).front(), entries->text(1), entries->text(2), entries->int64(3)});
    }
    return c;
}

std::vector<std::string> select_channel_names(database& db)
{
    statement_use rows(db.prepare("SELECT name FROM channel ORDER BY name_key"));
    std::vector<std::string> names;
    while (rows->step())
        names.push_back(rows->text(0));
    return names;
}

store::write_status insert_channel(database& db, const core::channel_registration& c)
{
    const auto key = irc::fold(c.name);
    transaction t(db);
    statement_use insert(db.prepare("INSERT OR IGNORE INTO channel (name_key, name, founder, registered_ms, topic,"
                                    " topic_set_by, topic_set_at_ms, flags, join_key, user_limit)"
                                    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"));
    insert->bind(1, key).bind(2, c.name).bind(3, c.founder).bind(4, c.registered_ms).bind(5, c.topic);
    insert->bind(6, c.topic_set_by).bind(7, c.topic_set_at_ms).bind(8, c.flags).bind(9, c.key);
    insert->bind(10, std::int64_t{c.limit});
    insert->step();
    if (db.changes() == 0)
        return store::write_status::exists;
    insert_lists(db, key, c.lists);
    t.commit();
    return store::write_status::ok;
}

store::write_status rewrite_channel(database& db, const core::channel_registration& c)
{
    const auto key = irc::fold(c.name);
    transaction t(db);
    statement_use update(db.prepare("UPDATE channel SET topic = ?2, topic_set_by = ?3, topic_set_at_ms = ?4,"
                                    " flags = ?5, join_key = ?6, user_limit = ?7 WHERE name_key = ?1"));
    update->bind(1, key).bind(2, c.topic).bind(3, c.topic_set_by).bind(4, c.topic_set_at_ms).bind(5, c.flags);
    update->bind(6, c.key).bind(7, std::int64_t{c.limit});
    update->step();
    if (db.changes() == 0)
        return store::write_status::missing;
    delete_lists(db, key);
    insert_lists(db, key, c.lists);
    t.commit();
    return store::write_status::ok;
}

store::write_status delete_channel(database& db, std::string_view name)
{
    const auto key = irc::fold(name);
    transaction t(db);
    statement_use remove(db.prepare("DELETE FROM channel WHERE name_key = ?1"));
    remove->bind(1, key);
    remove->step();
    if (db.changes() == 0)
        return store::write_status::missing;
    delete_lists(db, key);
    t.commit();
    return store::write_status::ok;
}

}  // namespace sala::store::sqlite
