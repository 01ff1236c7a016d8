#include "store/nats/nats_store.hpp"

#include <nats/nats.h>

#include <algorithm>
#include <optional>
#include <chrono>
#include <thread>
#include <charconv>
#include <cstdlib>
#include <string_view>

#include "store/nats/entry_codec.hpp"
#include "store/store_error.hpp"

namespace sala::store::nats {

namespace {

constexpr const char* stream_name = "SALA_ROOMS";
constexpr const char* stream_subjects = "sala.room.>";
constexpr std::string_view subject_prefix = "sala.room.";
constexpr const char* nodes_bucket = "sala_nodes";
constexpr const char* nicks_bucket = "sala_nicks";
constexpr const char* presence_bucket = "sala_presence";
// A node beats every beat_interval; one that has not for presence_ttl is
// lost: the others quit its users and free its nicks. Long enough that a
// node stalled by a busy machine is not taken for dead.
constexpr auto beat_interval = std::chrono::seconds(2);
constexpr std::int64_t presence_ttl_ms = 10'000;
constexpr const char* node_header = "Sala-Node";
constexpr const char* write_header = "Sala-Write";
// How long a line waits for the stream's acknowledgement before it goes
// out to this node's members anyway (README, "Cluster").
constexpr std::int64_t publish_wait_ms = 5000;
// Replicas of the stream and buckets: every server up to three, so one of
// three can die without losing anything acknowledged.
constexpr int max_replicas = 3;
constexpr auto jetstream_wait = std::chrono::seconds(30);

[[noreturn]] void fail(std::string_view what, natsStatus s)
{
    natsStatus last = NATS_OK;
    const char* detail = nats_GetLastError(&last);
    throw store_error(std::string(what) + ": " + natsStatus_GetText(s)
        + (detail != nullptr && *detail != '\0' ? std::string(" (") + detail + ")" : std::string()));
}

natsStatus ensure_stream(jsCtx* js, int replicas, std::int64_t max_age_ms)
{
    jsStreamConfig sc;
    jsStreamConfig_Init(&sc);
    sc.Name = stream_name;
    const char* subjects[] = {stream_subjects};
    sc.Subjects = subjects;
    sc.SubjectsLen = 1;
    sc.Storage = js_FileStorage;
    sc.Replicas = replicas;
    sc.MaxAge = max_age_ms * 1'000'000;  // nanoseconds
    jsStreamInfo* info = nullptr;
    jsErrCode code{};
    auto s = js_AddStream(&info, js, &sc, nullptr, &code);
    // Another node made it first (or with other limits): it is used as it is.
    if (s != NATS_OK)
        s = js_GetStreamInfo(&info, js, stream_name, nullptr, &code);
    jsStreamInfo_Destroy(info);
    return s;
}

natsStatus ensure_bucket(kvStore** kv, jsCtx* js, const char* name, int replicas, std::int64_t ttl_ms = 0)
{
    if (*kv != nullptr)
        return NATS_OK;
    kvConfig kc;
    kvConfig_Init(&kc);
    kc.Bucket = name;
    kc.Replicas = replicas;
    kc.History = 1;
    kc.TTL = ttl_ms * 1'000'000;  // nats.c 3.4 passes it on as the stream's MaxAge: nanoseconds
    if (js_CreateKeyValue(kv, js, &kc) == NATS_OK)
        return NATS_OK;
    return js_KeyValue(kv, js, name);
}

std::uint64_t parse_write(const char* text)
{
    std::uint64_t v = 0;
    if (text == nullptr)
        return 0;
    const std::string_view s(text);
    std::from_chars(s.data(), s.data() + s.size(), v);
    return v;
}

}  // namespace

struct nats_store::connection {
    natsOptions* options = nullptr;
    natsConnection* conn = nullptr;
    jsCtx* js = nullptr;
    kvStore* nodes = nullptr;
    kvStore* nicks = nullptr;
    kvStore* presence = nullptr;
    natsSubscription* sub = nullptr;

    ~connection()
    {
        // Close first: no callback runs once the connection's threads are gone.
        if (conn != nullptr)
            natsConnection_Close(conn);
        natsSubscription_Destroy(sub);
        kvStore_Destroy(nodes);
        kvStore_Destroy(nicks);
        kvStore_Destroy(presence);
        jsCtx_Destroy(js);
        natsConnection_Destroy(conn);
        natsOptions_Destroy(options);
        nats_CloseAndWait(2000);
    }
};

nats_store::nats_store(cluster_settings settings, std::unique_ptr<store> replica)
    : forwarding_store(std::move(replica)),
      settings_(std::move(settings)),
      nats_(std::make_unique<connection>()),
      run_id_(settings_.node + "-"
          + std::to_string(std::chrono::system_clock::now().time_since_epoch() / std::chrono::nanoseconds(1)))
{
    auto& n = *nats_;
    if (auto s = natsOptions_Create(&n.options); s != NATS_OK)
        fail("cannot set up the NATS client", s);
    std::vector<const char*> urls;
    for (const auto& url : settings_.servers)
        urls.push_back(url.c_str());
    const auto client_name = "sala-" + settings_.node;
    natsOptions_SetServers(n.options, urls.data(), static_cast<int>(urls.size()));
    natsOptions_SetName(n.options, client_name.c_str());
    natsOptions_SetTimeout(n.options, 5000);
    // A lost server is reconnected to for as long as the node runs.
    natsOptions_SetMaxReconnect(n.options, -1);
    natsOptions_SetReconnectWait(n.options, 250);
    if (auto s = natsConnection_Connect(&n.conn, n.options); s != NATS_OK)
        fail("cannot connect to the NATS cluster", s);

    jsOptions jo;
    jsOptions_Init(&jo);
    jo.PublishAsync.AckHandler = [](jsCtx*, natsMsg* msg, jsPubAck* ack, jsPubAckErr*, void* self) {
        // The message is known by its bytes: nats.c 3.4 hands it back
        // without the headers it was sent with.
        const std::string subject = natsMsg_GetSubject(msg);
        const std::string_view data(natsMsg_GetData(msg), static_cast<std::size_t>(natsMsg_GetDataLength(msg)));
        auto* me = static_cast<nats_store*>(self);
        if (ack != nullptr)
            me->stored(subject, data);
        else
            me->not_stored(subject, data);
        natsMsg_Destroy(msg);
    };
    jo.PublishAsync.AckHandlerClosure = this;
    if (auto s = natsConnection_JetStream(&n.js, n.conn, &jo); s != NATS_OK)
        fail("cannot use JetStream", s);

    char** servers = nullptr;
    int known = 0;
    if (natsConnection_GetServers(n.conn, &servers, &known) == NATS_OK) {
        for (int i = 0; i < known; ++i)
            std::free(servers[i]);
        std::free(servers);
    }
    const int replicas = std::clamp(known, 1, max_replicas);

    // A cluster of servers that have just started elects its JetStream
    // leader first: its stream and buckets are asked for until then.
    const auto deadline = std::chrono::steady_clock::now() + jetstream_wait;
    for (natsStatus s = NATS_OK;; std::this_thread::sleep_for(std::chrono::milliseconds(250))) {
        s = ensure_stream(n.js, replicas, settings_.max_age_ms);
        if (s == NATS_OK)
            s = ensure_bucket(&n.nodes, n.js, nodes_bucket, replicas);
        if (s == NATS_OK)
            s = ensure_bucket(&n.nicks, n.js, nicks_bucket, replicas);
        if (s == NATS_OK)
            s = ensure_bucket(&n.presence, n.js, presence_bucket, replicas, presence_ttl_ms);
        if (s == NATS_OK)
            break;
        if (std::chrono::steady_clock::now() > deadline)
            fail("cannot create the room stream and buckets (is JetStream on: nats-server -js?)", s);
    }
    // A lane of its own, kept across restarts under the same name: two
    // nodes never stamp the same msgid sequence (core::msgid_source).
    bool claimed = false;
    for (unsigned i = 0; i < msgid_lanes && !claimed; ++i) {
        const auto key = "lane-" + std::to_string(i);
        kvEntry* e = nullptr;
        if (kvStore_Get(&e, n.nodes, key.c_str()) == NATS_OK) {
            const char* holder = kvEntry_ValueString(e);
            claimed = holder != nullptr && settings_.node == holder;
            lane_ = i;
        }
        kvEntry_Destroy(e);
    }
    for (unsigned i = 0; i < msgid_lanes && !claimed; ++i) {
        const auto key = "lane-" + std::to_string(i);
        std::uint64_t revision = 0;
        claimed = kvStore_CreateString(&revision, n.nodes, key.c_str(), settings_.node.c_str()) == NATS_OK;
        lane_ = i;
    }
    if (!claimed)
        throw store_error("every msgid lane of the cluster is taken (at most 16 node names)");
}

nats_store::~nats_store()
{
    {
        const std::lock_guard lock(jobs_mutex_);
        stopping_ = true;
    }
    jobs_ready_.notify_one();
    if (worker_.joinable())
        worker_.join();
    nats_.reset();
}

void nats_store::post(std::function<void()> job)
{
    {
        const std::lock_guard lock(jobs_mutex_);
        jobs_.push_back(std::move(job));
    }
    jobs_ready_.notify_one();
}

void nats_store::work()
{
    auto next_beat = std::chrono::steady_clock::now();
    for (;;) {
        if (std::chrono::steady_clock::now() >= next_beat) {
            beat();
            next_beat = std::chrono::steady_clock::now() + beat_interval;
        }
        std::function<void()> job;
        {
            std::unique_lock lock(jobs_mutex_);
            if (!jobs_ready_.wait_until(lock, next_beat, [this] { return stopping_ || !jobs_.empty(); }))
                continue;
            // What is left at shutdown is dropped: claims are answered to
            // sessions that are gone, and a node's claims are released
            // when it starts again.
            if (stopping_)
                return;
            job = std::move(jobs_.front());
            jobs_.pop_front();
        }
        job();
    }
}

void nats_store::claim_nick(std::string folded_nick, status_handler done)
{
    post([this, key = subject_token(folded_nick), done = std::move(done)] {
        std::uint64_t revision = 0;
        if (kvStore_CreateString(&revision, nats_->nicks, key.c_str(), settings_.node.c_str()) == NATS_OK) {
            done(write_status::ok);
            return;
        }
        // Taken: by a user of this node (its directory then decides) or of another.
        kvEntry* e = nullptr;
        const auto s = kvStore_Get(&e, nats_->nicks, key.c_str());
        const char* holder = s == NATS_OK ? kvEntry_ValueString(e) : nullptr;
        const bool ours = holder != nullptr && settings_.node == holder;
        kvEntry_Destroy(e);
        done(ours ? write_status::ok : s == NATS_OK ? write_status::exists : write_status::failed);
    });
}

void nats_store::release_nick(std::string folded_nick)
{
    post([this, key = subject_token(folded_nick)] {
        // Only this node's claim: another node may have taken the nick since.
        kvEntry* e = nullptr;
        if (kvStore_Get(&e, nats_->nicks, key.c_str()) == NATS_OK) {
            const char* holder = kvEntry_ValueString(e);
            if (holder != nullptr && settings_.node == holder)
                kvStore_Delete(nats_->nicks, key.c_str());
        }
        kvEntry_Destroy(e);
    });
}

void nats_store::release_stale_nicks(const std::string* node)
{
    kvKeysList keys{};
    if (kvStore_Keys(&keys, nats_->nicks, nullptr) != NATS_OK)
        return;
    for (int i = 0; i < keys.Count; ++i) {
        kvEntry* e = nullptr;
        if (kvStore_Get(&e, nats_->nicks, keys.Keys[i]) == NATS_OK) {
            const std::string holder = kvEntry_ValueString(e) != nullptr ? kvEntry_ValueString(e) : "";
            const bool stale = node != nullptr ? holder == *node : holder == settings_.node || !alive_.contains(holder);
            if (stale)
                kvStore_Delete(nats_->nicks, keys.Keys[i]);
        }
        kvEntry_Destroy(e);
    }
    kvKeysList_Destroy(&keys);
}

std::set<std::string> nats_store::beating_nodes()
{
    std::set<std::string> out;
    kvKeysList keys{};
    if (kvStore_Keys(&keys, nats_->presence, nullptr) != NATS_OK)
        return alive_;  // unknown: nobody is taken for lost
    for (int i = 0; i < keys.Count; ++i)
        out.insert(keys.Keys[i]);
    kvKeysList_Destroy(&keys);
    return out;
}

void nats_store::beat()
{
    std::uint64_t revision = 0;
    kvStore_PutString(&revision, nats_->presence, settings_.node.c_str(), "alive");
    auto now_alive = beating_nodes();
    for (const auto& node : alive_) {
        if (now_alive.contains(node) || node == settings_.node)
            continue;
        release_stale_nicks(&node);
        if (lost_)
            lost_(node);
    }
    alive_ = std::move(now_alive);
    const std::lock_guard lock(alive_mutex_);
    alive_copy_.assign(alive_.begin(), alive_.end());
}

std::vector<std::string> nats_store::nodes() const
{
    const std::lock_guard lock(alive_mutex_);
    return alive_copy_;
}

void nats_store::start(remote_handler remote, lost_handler lost)
{
    remote_ = std::move(remote);
    lost_ = std::move(lost);
    // Beating before any user of this node claims a nick: the claims
    // this node holds now are stale, and so are those of nodes not beating.
    beat();
    release_stale_nicks();
    worker_ = std::thread([this] { work(); });
    jsSubOptions so;
    jsSubOptions_Init(&so);
    so.Stream = stream_name;
    // One ordered pass over every room from now on: the stream's order is
    // each room's order on this node too.
    so.Ordered = true;
    so.Config.DeliverPolicy = js_DeliverNew;
    jsErrCode code{};
    const auto s = js_Subscribe(&nats_->sub, nats_->js, stream_subjects,
        [](natsConnection*, natsSubscription*, natsMsg* msg, void* self) {
            const char* node = nullptr;
            const char* write = nullptr;
            natsMsgHeader_Get(msg, node_header, &node);
            natsMsgHeader_Get(msg, write_header, &write);
            static_cast<nats_store*>(self)->received(node, write, natsMsg_GetData(msg), natsMsg_GetDataLength(msg));
            natsMsg_Destroy(msg);
        },
        this, nullptr, &so, &code);
    if (s != NATS_OK)
        fail("cannot consume the room stream", s);
}

void nats_store::append(std::vector<core::history_entry> entries, written_handler done)
{
    if (entries.empty()) {
        inner().append(std::move(entries), std::move(done));
        return;
    }
    auto subject = std::string(subject_prefix) + subject_token(entries.front().target);
    outbound w{0, encode_entries(entries)};
    bool first = false;
    {
        const std::lock_guard lock(mutex_);
        w.write = ++next_write_;
        unconfirmed_.emplace(w.write, unconfirmed{std::move(entries), std::move(done)});
        auto& queue = outbound_[subject];
        first = queue.empty();
        queue.push_back(w);
    }
    if (first)
        publish(subject, w);
}

void nats_store::publish(const std::string& subject, const outbound& w)
{
    natsMsg* msg = nullptr;
    const auto write = std::to_string(w.write);
    const auto msg_id = run_id_ + "-" + write;
    auto s = natsMsg_Create(&msg, subject.c_str(), nullptr, w.data.data(), static_cast<int>(w.data.size()));
    if (s == NATS_OK)
        s = natsMsgHeader_Set(msg, node_header, settings_.node.c_str());
    if (s == NATS_OK)
        s = natsMsgHeader_Set(msg, write_header, write.c_str());
    jsPubOptions po;
    jsPubOptions_Init(&po);
    po.MaxWait = publish_wait_ms;
    po.MsgId = msg_id.c_str();
    if (s == NATS_OK)
        s = js_PublishMsgAsync(nats_->js, &msg, &po);
    if (s != NATS_OK) {
        natsMsg_Destroy(msg);
        not_stored(subject, w.data);
    }
}

void nats_store::stored(const std::string& subject, std::string_view data)
{
    std::optional<outbound> next;
    {
        const std::lock_guard lock(mutex_);
        auto it = outbound_.find(subject);
        // An answer to an earlier attempt at a write already taken is not
        // about the write in flight, which holds other lines.
        if (it == outbound_.end() || it->second.empty() || it->second.front().data != data)
            return;
        it->second.pop_front();
        if (it->second.empty())
            outbound_.erase(it);
        else
            next = it->second.front();
    }
    if (next)
        publish(subject, *next);
}

void nats_store::not_stored(const std::string& subject, std::string_view data)
{
    ++publish_retries_;
    // From the worker, a little later: a cluster electing a leader, or a
    // client reconnecting, answers at once and would be asked in a loop.
    post([this, subject, data = std::string(data)] {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        std::optional<outbound> again;
        {
            const std::lock_guard lock(mutex_);
            auto it = outbound_.find(subject);
            if (it != outbound_.end() && !it->second.empty() && it->second.front().data == data)
                again = it->second.front();
        }
        if (again)
            publish(subject, *again);
    });
}

void nats_store::received(const char* node, const char* write, const char* data, int length)
{
    if (node != nullptr && settings_.node == node) {
        const auto id = parse_write(write);
        bool mine = false;
        {
            const std::lock_guard lock(mutex_);
            mine = unconfirmed_.contains(id);
        }
        if (mine) {
            confirm(id);
            return;
        }
    }
    auto entries = decode_entries(std::string_view(data, static_cast<std::size_t>(std::max(length, 0))));
    if (!entries)
        return;
    ++remote_batches_;
    auto copy = *entries;
    inner().append(std::move(*entries), [this, from = std::string(node != nullptr ? node : ""),
                                              lines = std::move(copy)](bool) mutable {
        if (remote_)
            remote_(std::move(from), std::move(lines));
    });
}

void nats_store::confirm(std::uint64_t write)
{
    unconfirmed u;
    {
        const std::lock_guard lock(mutex_);
        auto it = unconfirmed_.find(write);
        if (it == unconfirmed_.end())
            return;
        u = std::move(it->second);
        unconfirmed_.erase(it);
    }
    inner().append(std::move(u.entries), std::move(u.done));
}


}  // namespace sala::store::nats
