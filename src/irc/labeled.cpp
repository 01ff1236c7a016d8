#include "irc/labeled.hpp"

#include "irc/message.hpp"

namespace sala::irc {

namespace {

// `line` with `tag` ("key=value", escaped) added to its tags.
void append_with_tag(std::string& out, std::string_view line, std::string_view tag)
{
    out += '@';
    out += tag;
    if (line.starts_with('@')) {
        out += ';';
        out += line.substr(1);
    } else {
        out += ' ';
        out += line;
    }
}

// True when `line` already belongs to a batch of its own (a chathistory reply
// inside the labeled-response batch): a second batch tag would be invalid,
// and the spec nests batches through their BATCH lines instead.
bool in_batch(std::string_view line)
{
    if (!line.starts_with('@'))
        return false;
    auto tags = line.substr(1, line.find(' ') - 1);
    while (!tags.empty()) {
        const auto end = tags.find(';');
        const auto t = tags.substr(0, end);
        if (t.starts_with("batch=") || t == "batch")
            return true;
        if (end == std::string_view::npos)
            break;
        tags.remove_prefix(end + 1);
    }
    return false;
}

}  // namespace

std::string labeled(std::string_view server, std::string_view label, std::string_view answer, bool batch_cap,
    std::string_view batch_id)
{
    const std::string label_tag = "label=" + escape_tag_value(label);
    std::string out;
    if (answer.empty()) {
        append_with_tag(out, ":" + std::string(server) + " ACK\r\n", label_tag);
        return out;
    }
    const auto first_end = answer.find("\r\n");
    const bool one_line = first_end == std::string_view::npos || first_end + 2 == answer.size();
    if (one_line) {
        append_with_tag(out, answer, label_tag);
        return out;
    }
    if (!batch_cap)
        return std::string(answer);
    const std::string batch_tag = "batch=" + std::string(batch_id);
    append_with_tag(out, ":" + std::string(server) + " BATCH +" + std::string(batch_id) + " labeled-response\r\n",
        label_tag);
    for (std::size_t start = 0; start < answer.size();) {
        auto end = answer.find("\r\n", start);
        end = end == std::string_view::npos ? answer.size() : end + 2;
        const auto line = answer.substr(start, end - start);
        if (in_batch(line))
            out += line;
        else
            append_with_tag(out, line, batch_tag);
        start = end;
    }
    out += ":" + std::string(server) + " BATCH -" + std::string(batch_id) + "\r\n";
    return out;
}

}  // namespace sala::irc
