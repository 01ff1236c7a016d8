// A registered channel (ChanServ): what the store keeps of the room, brought
// back when the room starts and written back when it changes. The store
// writes in order, so the last change written is the last one made.
#include <chrono>

#include "core/mode_changes.hpp"
#include "server/room.hpp"
#include "store/store.hpp"

namespace sala::server {

namespace {

std::int64_t millis(std::chrono::system_clock::time_point t)
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

char letter_of(core::mode_list list)
{
    switch (list) {
    case core::mode_list::ban:
        return 'b';
    case core::mode_list::ban_exception:
        return 'e';
    case core::mode_list::invite_exception:
        return 'I';
    }
    return 'b';
}

}  // namespace

core::channel_registration room::registration(const std::string& founder, std::int64_t now_ms) const
{
    core::channel_registration r;
    r.name = name_;
    r.founder = founder;
    r.registered_ms = founder_.empty() ? now_ms : registered_ms_;
    if (const auto& topic = roster_.topic()) {
        r.topic = topic->text;
        r.topic_set_by = topic->set_by;
        r.topic_set_at_ms = millis(topic->set_at);
    }
    r.flags = modes_.flags();
    r.key = modes_.key();
    r.limit = static_cast<std::uint32_t>(modes_.limit().value_or(0));
    for (const auto list : {core::mode_list::ban, core::mode_list::ban_exception, core::mode_list::invite_exception})
        for (const auto& e : modes_.entries(list))
            r.lists.push_back({letter_of(list), e.mask, e.set_by, e.set_at});
    return r;
}

void room::set_founder(std::string founder, std::int64_t registered_ms)
{
    founder_ = std::move(founder);
    registered_ms_ = registered_ms;
}

void room::restore(const core::channel_registration& kept)
{
    founder_ = kept.founder;
    registered_ms_ = kept.registered_ms;
    modes_.restore(kept.flags, kept.key, kept.limit);
    for (const auto& e : kept.lists)
        if (const auto list = core::list_of(e.list))
            (void)modes_.add(*list, e.mask, e.set_by, e.set_at);
    if (!kept.topic.empty())
        roster_.set_topic({kept.topic, kept.topic_set_by,
            std::chrono::system_clock::time_point(std::chrono::milliseconds(kept.topic_set_at_ms))});
}

void room::save_registration()
{
    if (founder_.empty() || ctx_.store == nullptr)
        return;
    // A failed write is logged and counted by the store; the room goes on
    // as it is, and the next change writes everything again.
    ctx_.store->update_channel(registration(founder_, 0), [](store::store::write_status) {});
}

}  // namespace sala::server
