#include "store/nats/nats_store.hpp"

#include <nats/nats.h>

#include <algorithm>
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

natsStatus ensure_bucket(kvStore** kv, jsCtx* js, const char* name, int replicas)
{
    if (*kv != nullptr)
        return NATS_OK;
    kvConfig kc;
    kvConfig_Init(&kc);
    kc.Bucket = name;
    kc.Replicas = replicas;
    kc.History = 1;
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
    natsSubscription* sub = nullptr;

    ~connection()
    {
        // Close first: no callback runs once the connection's threads are gone.
        if (conn != nullptr)
            natsConnection_Close(conn);
        natsSubscription_Destroy(sub);
        kvStore_Destroy(nodes);
        kvStore_Destroy(nicks);
        jsCtx_Destroy(js);
        natsConnection_Destroy(conn);
        natsOptions_Destroy(options);
        nats_CloseAndWait(2000);
    }
};

nats_store::nats_store(cluster_settings settings, std::unique_ptr<store> replica)
    : settings_(std::move(settings)), replica_(std::move(replica)), nats_(std::make_unique<connection>())
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
    jo.PublishAsync.AckHandler = [](jsCtx*, natsMsg* msg, jsPubAck*, jsPubAckErr* err, void* self) {
        if (err != nullptr) {
            const char* write = nullptr;
            natsMsgHeader_Get(msg, write_header, &write);
            static_cast<nats_store*>(self)->publish_failed(parse_write(write));
        }
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
    for (;;) {
        std::function<void()> job;
        {
            std::unique_lock lock(jobs_mutex_);
            jobs_ready_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
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

void nats_store::release_stale_nicks()
{
    kvKeysList keys{};
    if (kvStore_Keys(&keys, nats_->nicks, nullptr) != NATS_OK)
        return;
    for (int i = 0; i < keys.Count; ++i) {
        kvEntry* e = nullptr;
        if (kvStore_Get(&e, nats_->nicks, keys.Keys[i]) == NATS_OK) {
            const char* holder = kvEntry_ValueString(e);
            if (holder != nullptr && settings_.node == holder)
                kvStore_Delete(nats_->nicks, keys.Keys[i]);
        }
        kvEntry_Destroy(e);
    }
    kvKeysList_Destroy(&keys);
}

void nats_store::start(remote_handler remote)
{
    remote_ = std::move(remote);
    worker_ = std::thread([this] { work(); });
    // Before any user of this node claims one: the claims are all stale.
    post([this] { release_stale_nicks(); });
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
        replica_->append(std::move(entries), std::move(done));
        return;
    }
    const auto subject = std::string(subject_prefix) + subject_token(entries.front().target);
    const auto data = encode_entries(entries);
    std::uint64_t write = 0;
    {
        const std::lock_guard lock(mutex_);
        write = ++next_write_;
        unconfirmed_.emplace(write, unconfirmed{std::move(entries), std::move(done)});
    }
    natsMsg* msg = nullptr;
    auto s = natsMsg_Create(&msg, subject.c_str(), nullptr, data.data(), static_cast<int>(data.size()));
    if (s == NATS_OK)
        s = natsMsgHeader_Set(msg, node_header, settings_.node.c_str());
    if (s == NATS_OK)
        s = natsMsgHeader_Set(msg, write_header, std::to_string(write).c_str());
    jsPubOptions po;
    jsPubOptions_Init(&po);
    po.MaxWait = publish_wait_ms;
    if (s == NATS_OK)
        s = js_PublishMsgAsync(nats_->js, &msg, &po);
    if (s != NATS_OK) {
        natsMsg_Destroy(msg);
        publish_failed(write);
    }
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
            confirm(id, true);
            return;
        }
    }
    auto entries = decode_entries(std::string_view(data, static_cast<std::size_t>(std::max(length, 0))));
    if (!entries)
        return;
    ++remote_batches_;
    auto copy = *entries;
    replica_->append(std::move(*entries), [this, lines = std::move(copy)](bool) mutable {
        if (remote_)
            remote_(std::move(lines));
    });
}

void nats_store::publish_failed(std::uint64_t write)
{
    ++publish_failures_;
    confirm(write, false);
}

void nats_store::confirm(std::uint64_t write, bool in_stream)
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
    replica_->append(std::move(u.entries), [done = std::move(u.done), in_stream](bool ok) { done(ok && in_stream); });
}

store_stats nats_store::stats() const
{
    auto s = replica_->stats();
    s.appends_failed += publish_failures_.load();
    return s;
}

}  // namespace sala::store::nats
