#include "screen.h"

#include <curses.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <functional>
#include <set>
#include <sstream>

#include "describe.h"

namespace monitor {
namespace {

int64_t now_micros() {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// HH:MM:SS (UTC), with milliseconds when asked.
std::string clock_time(int64_t us, bool millis = false) {
    if (us <= 0) return "-";
    const std::time_t seconds = static_cast<std::time_t>(us / 1'000'000);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char text[32];
    if (millis) std::snprintf(text, sizeof text, "%02d:%02d:%02d.%03d", tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(us / 1000 % 1000));
    else std::snprintf(text, sizeof text, "%02d:%02d:%02d", tm.tm_hour, tm.tm_min, tm.tm_sec);
    return text;
}

std::string age(int64_t now_us, int64_t then_us) {
    if (then_us <= 0) return "-";
    const int64_t s = std::max<int64_t>(0, (now_us - then_us) / 1'000'000);
    if (s < 120) return std::to_string(s) + "s";
    if (s < 7200) return std::to_string(s / 60) + "m";
    if (s < 172800) return std::to_string(s / 3600) + "h";
    return std::to_string(s / 86400) + "d";
}

std::string fit(std::string text, size_t width, bool right = false) {
    if (text.size() > width) text = width > 1 ? text.substr(0, width - 1) + "~" : text.substr(0, width);
    const std::string pad(width - text.size(), ' ');
    return right ? pad + text : text + pad;
}

struct Column {
    std::string title;
    size_t width;
    bool right;
    int priority;  // dropped from the highest when the screen is narrow
    std::function<std::string(const PeerRow&)> text;
};

bool less_by(SortKey key, const PeerRow& a, const PeerRow& b) {
    auto id = [](const PeerRow& r) { return r.id == "-" ? -1LL : std::stoll(r.id); };
    switch (key) {
        case SortKey::Id: return id(a) < id(b);
        case SortKey::Address: return a.address < b.address;
        case SortKey::Type: return a.connection_type < b.connection_type;
        case SortKey::Start: return a.start_us < b.start_us;
        case SortKey::MessagesIn: return a.messages_in < b.messages_in;
        case SortKey::BytesIn: return a.bytes_in < b.bytes_in;
        case SortKey::MessagesOut: return a.messages_out < b.messages_out;
        case SortKey::BytesOut: return a.bytes_out < b.bytes_out;
        case SortKey::Last: return a.last_type < b.last_type;
        case SortKey::Age: return a.last_us > b.last_us;  // youngest first
    }
    return false;
}

}  // namespace

std::string sort_key_name(SortKey key) {
    static const char* names[] = {"id", "address", "type", "start", "msgs in", "bytes in", "msgs out", "bytes out", "last", "age"};
    return names[static_cast<int>(key)];
}

TableLayout layout_peer_table(std::vector<PeerRow> peers, size_t width, SortKey sort, bool reverse, int64_t now_us) {
    const bool wide = width >= 120;
    std::vector<Column> columns = {
        {"ID", 5, true, 0, [](const PeerRow& r) { return r.id; }},
        {"ADDRESS", width >= 140 ? 30u : wide ? 22u : 21u, false, 0, [](const PeerRow& r) { return r.address; }},
        {"TYPE", wide ? 19u : 6u, false, 1, [wide](const PeerRow& r) { return wide ? r.connection_type : short_connection_type(r.connection_type); }},
        {"START", 8, false, 5, [](const PeerRow& r) { return clock_time(r.start_us); }},
        {"MSGS IN", 8, true, 0, [](const PeerRow& r) { return std::to_string(r.messages_in); }},
        {"BYTES IN", 8, true, 2, [](const PeerRow& r) { return human_bytes(r.bytes_in); }},
        {"MSGS OUT", 8, true, 0, [](const PeerRow& r) { return std::to_string(r.messages_out); }},
        {"BYTES OUT", 9, true, 2, [](const PeerRow& r) { return human_bytes(r.bytes_out); }},
        {"LAST", 12, false, 2, [](const PeerRow& r) { return r.last_type; }},
        {"AGE", 4, true, 4, [now_us](const PeerRow& r) { return age(now_us, r.last_us); }},
        {"STATE", 6, false, 3, [](const PeerRow& r) { return std::string(r.closed ? "closed" : "open"); }},
    };
    if (!wide) {
        columns[4].title = "IN";
        columns[4].width = 6;
        columns[5].title = "B IN";
        columns[5].width = 6;
        columns[6].title = "OUT";
        columns[6].width = 6;
        columns[7].title = "B OUT";
        columns[7].width = 6;
        columns[8].width = 11;
    }
    auto total = [&] {
        size_t sum = 0;
        for (const auto& c : columns) sum += c.width + 1;
        return sum;
    };
    while (total() > width + 1) {
        auto drop = std::max_element(columns.begin(), columns.end(), [](const Column& a, const Column& b) { return a.priority < b.priority; });
        if (drop->priority == 0) break;
        columns.erase(drop);
    }

    std::stable_sort(peers.begin(), peers.end(), [&](const PeerRow& a, const PeerRow& b) {
        return reverse ? less_by(sort, b, a) : less_by(sort, a, b);
    });
    TableLayout out;
    for (const auto& c : columns) out.header += fit(c.title, c.width, c.right) + " ";
    for (const PeerRow& r : peers) {
        std::string line;
        for (const auto& c : columns) line += fit(c.text(r), c.width, c.right) + " ";
        out.rows.push_back(line.substr(0, width));
        out.keys.push_back(r.key);
        out.closed.push_back(r.closed);
    }
    out.header = out.header.substr(0, width);
    return out;
}

namespace {

enum class View { Peers, Peer, Json };

class Screen {
public:
    Screen(Model& model, const ScreenOptions& options) : model_(model), options_(options) {}

    void run(std::atomic<bool>& stop) {
        while (!stop) {
            if (!paused_) {
                peers_ = model_.peers();
                if (view_ == View::Peer) messages_ = model_.recent(peer_key_);
            }
            draw();
            const int key = getch();  // waits up to the redraw interval
            if (key != ERR && !handle(key)) return;
        }
    }

private:
    int rows() const { return LINES; }
    int cols() const { return COLS; }
    int body_rows() const { return std::max(1, rows() - 4); }  // title, column header, warning, footer

    std::vector<Message> shown_messages() const {
        if (type_filter_.empty()) return messages_;
        std::vector<Message> out;
        for (const Message& m : messages_) {
            if (type_filter_.contains(std::string(m.header.msgtype_shown()))) out.push_back(m);
        }
        return out;
    }

    void line(int y, const std::string& text, attr_t attr = A_NORMAL) {
        attron(attr);
        mvaddnstr(y, 0, text.c_str(), cols());
        if (static_cast<int>(text.size()) < cols()) hline(' ', cols() - static_cast<int>(text.size()));
        attroff(attr);
    }

    void draw() {
        erase();
        const int64_t now = now_micros();
        size_t open = 0;
        uint64_t in = 0, out = 0;
        for (const PeerRow& p : peers_) {
            open += !p.closed;
            in += p.messages_in;
            out += p.messages_out;
        }
        std::string title = "message-capture-monitor  " + options_.title + "  peers " + std::to_string(peers_.size()) + " (" +
                            std::to_string(open) + " open)  msgs in " + std::to_string(in) + " out " + std::to_string(out) + "  " +
                            (paused_ ? "[PAUSED]" : "[LIVE]");
        if (!type_filter_.empty()) title += "  types: " + filter_text_;
        line(0, title, A_BOLD);

        std::string footer;
        if (view_ == View::Peers) {
            const TableLayout t = layout_peer_table(peers_, static_cast<size_t>(cols()), sort_, reverse_, now);
            line(1, t.header, A_REVERSE);
            keys_ = t.keys;
            clamp_selection(t.rows.size());
            for (int i = 0; i < body_rows() && top_ + i < static_cast<int>(t.rows.size()); ++i) {
                const size_t r = static_cast<size_t>(top_ + i);
                attr_t attr = t.closed[r] ? A_DIM : A_NORMAL;
                if (static_cast<int>(r) == selected_) attr |= A_STANDOUT;
                line(2 + i, t.rows[r], attr);
            }
            if (t.rows.empty()) line(2, "(no sessions yet: waiting for capture files to appear)");
            const bool narrow = cols() < 100;
            footer = std::string(narrow ? "Up/Dn" : "Up/Down select") + "  Enter peer  </> sort: " + sort_key_name(sort_) + (reverse_ ? " (rev)" : "") +
                     (narrow ? "  r rev" : "  r reverse") + "  t types  Space pause  q quit";
        } else if (view_ == View::Peer) {
            const auto shown = shown_messages();
            const PeerRow* peer = nullptr;
            for (const PeerRow& p : peers_) if (p.key == peer_key_) peer = &p;
            line(1, peer ? "peer " + peer->id + "  " + peer->address + "  " + peer->connection_type + "  in " + std::to_string(peer->messages_in) +
                               " / out " + std::to_string(peer->messages_out) + (peer->closed ? "  closed" : "")
                         : peer_key_, A_BOLD);
            // The newest message stays in view until the user moves away from it.
            if (follow_newest_) selected_ = static_cast<int>(shown.size()) - 1;
            clamp_selection(shown.size());
            const int list_rows = body_rows() - 1;
            line(2, fit("TIME (UTC)", 12) + " " + fit("DIR", 4) + " " + fit("TYPE", 12) + " " + fit("SIZE", 8, true) + " SUMMARY", A_REVERSE);
            const size_t summary_width = static_cast<size_t>(std::max(10, cols() - 40));
            if (selected_ >= top_ + list_rows) top_ = selected_ - list_rows + 1;
            // A taller window shows more of the past rather than empty lines.
            top_ = std::min(top_, std::max(0, static_cast<int>(shown.size()) - list_rows));
            for (int i = 0; i < list_rows && top_ + i < static_cast<int>(shown.size()); ++i) {
                const Message& m = shown[static_cast<size_t>(top_ + i)];
                const bool received = m.direction == msgcapture::Direction::Received;
                const std::string text = fit(clock_time(m.time_us, true), 12) + " " + fit(received ? "in" : "out", 4) + " " +
                                         fit(std::string(m.header.msgtype_shown()), 12) + " " + fit(std::to_string(m.header.length), 8, true) +
                                         " " + summary_line(m, summary_width);
                line(3 + i, text, top_ + i == selected_ ? A_STANDOUT : A_NORMAL);
            }
            if (shown.empty()) line(3, "(no messages yet" + std::string(type_filter_.empty() ? "" : " of these types") + ")");
            footer = std::string(cols() < 100 ? "Up/Dn" : "Up/Down select") + "  Enter decode  Esc back  t types  Space pause  q quit";
        } else {
            line(1, json_title_, A_BOLD);
            for (int i = 0; i < body_rows() + 1 && json_top_ + i < static_cast<int>(json_lines_.size()); ++i) {
                line(2 + i, json_lines_[static_cast<size_t>(json_top_ + i)]);
            }
            footer = "Up/Dn PgUp/PgDn Home/End scroll  Esc back  q quit";
        }
        const auto warnings = model_.warnings();
        if (!warnings.empty()) line(rows() - 2, "warning: " + warnings.back(), A_DIM);
        line(rows() - 1, footer, A_REVERSE);
        refresh();
    }

    void clamp_selection(size_t count) {
        const int n = static_cast<int>(count);
        selected_ = std::clamp(selected_, 0, std::max(0, n - 1));
        if (selected_ < top_) top_ = selected_;
        if (selected_ >= top_ + body_rows()) top_ = selected_ - body_rows() + 1;
        top_ = std::max(0, top_);
    }

    void open_json() {
        const auto shown = shown_messages();
        if (selected_ < 0 || selected_ >= static_cast<int>(shown.size())) return;
        const Message& m = shown[static_cast<size_t>(selected_)];
        const auto entry = entry_json(m);
        json_lines_.clear();
        if (entry.is_null() || entry.is_discarded()) {
            json_lines_.push_back("(this message's payload is no longer held: the monitor keeps " + human_bytes(PAYLOAD_BUDGET) + " of them;");
            json_lines_.push_back(" message-capture-parser --peer ... --since ... prints it from the files)");
        } else {
            std::istringstream in(entry.dump(2));
            for (std::string l; std::getline(in, l);) json_lines_.push_back(l);
        }
        json_title_ = std::string(m.header.msgtype_shown()) + " at " + clock_time(m.time_us, true) + " UTC, " + std::to_string(m.header.length) + " bytes";
        json_top_ = 0;
        view_ = View::Json;
    }

    void ask_types() {
        echo();
        curs_set(1);
        timeout(-1);
        line(rows() - 1, "types to show (comma list, empty for all): ", A_REVERSE);
        char text[256] = {};
        move(rows() - 1, 43);
        getnstr(text, sizeof text - 1);
        noecho();
        curs_set(0);
        timeout(REDRAW_MS);
        type_filter_.clear();
        filter_text_ = text;
        std::stringstream in(filter_text_);
        for (std::string t; std::getline(in, t, ',');) {
            t.erase(0, t.find_first_not_of(' '));
            t.erase(t.find_last_not_of(' ') + 1);
            if (!t.empty()) type_filter_.insert(t);
        }
    }

    // False to quit.
    bool handle(int key) {
        if (key == 'q' || key == 'Q') return false;
        if (key == ' ' || key == 'p') paused_ = !paused_;
        else if (key == 't') ask_types();
        else if (view_ == View::Json) {
            const int page = body_rows();
            const int last = std::max(0, static_cast<int>(json_lines_.size()) - page);
            if (key == KEY_UP || key == 'k') json_top_ = std::max(0, json_top_ - 1);
            else if (key == KEY_DOWN || key == 'j') json_top_ = std::min(last, json_top_ + 1);
            else if (key == KEY_PPAGE) json_top_ = std::max(0, json_top_ - page);
            else if (key == KEY_NPAGE) json_top_ = std::min(last, json_top_ + page);
            else if (key == KEY_HOME || key == 'g') json_top_ = 0;
            else if (key == KEY_END || key == 'G') json_top_ = last;
            else if (key == 27 || key == KEY_LEFT || key == KEY_BACKSPACE || key == 127) view_ = View::Peer;
        } else if (key == KEY_UP || key == 'k') {
            selected_ = std::max(0, selected_ - 1);
            follow_newest_ = false;
        } else if (key == KEY_DOWN || key == 'j') {
            ++selected_;
            if (view_ == View::Peer) follow_newest_ = selected_ >= static_cast<int>(shown_messages().size()) - 1;
        } else if (key == KEY_PPAGE) {
            selected_ = std::max(0, selected_ - body_rows());
            follow_newest_ = false;
        } else if (key == KEY_NPAGE) {
            selected_ += body_rows();
        } else if (view_ == View::Peers) {
            if ((key == '\n' || key == KEY_ENTER || key == KEY_RIGHT) && selected_ < static_cast<int>(keys_.size())) {
                peer_key_ = keys_[static_cast<size_t>(selected_)];
                peers_selected_ = selected_;
                messages_ = model_.recent(peer_key_);
                view_ = View::Peer;
                follow_newest_ = true;
                top_ = 0;
            } else if (key == '>' || key == '.') {
                sort_ = static_cast<SortKey>((static_cast<int>(sort_) + 1) % 10);
            } else if (key == '<' || key == ',') {
                sort_ = static_cast<SortKey>((static_cast<int>(sort_) + 9) % 10);
            } else if (key == 'r') {
                reverse_ = !reverse_;
            }
        } else if (view_ == View::Peer) {
            if (key == '\n' || key == KEY_ENTER || key == KEY_RIGHT) open_json();
            else if (key == 27 || key == KEY_LEFT || key == KEY_BACKSPACE || key == 127) {
                view_ = View::Peers;
                selected_ = peers_selected_;
                top_ = 0;
            }
        }
        return true;
    }

public:
    static constexpr int REDRAW_MS = 250;

private:
    Model& model_;
    ScreenOptions options_;
    View view_ = View::Peers;
    std::vector<PeerRow> peers_;
    std::vector<Message> messages_;
    std::vector<std::string> keys_;
    std::string peer_key_;
    int selected_ = 0, top_ = 0, peers_selected_ = 0;
    bool follow_newest_ = true;
    bool paused_ = false;
    SortKey sort_ = SortKey::Start;
    bool reverse_ = false;
    std::set<std::string> type_filter_;
    std::string filter_text_;
    std::vector<std::string> json_lines_;
    std::string json_title_;
    int json_top_ = 0;
};

}  // namespace

void run_screen(Model& model, const ScreenOptions& options, std::atomic<bool>& stop) {
    initscr();
    cbreak();
    noecho();
    keypad(stdscr, TRUE);
    curs_set(0);
    set_escdelay(25);
    timeout(Screen::REDRAW_MS);
    Screen screen(model, options);
    screen.run(stop);
    endwin();
}

}  // namespace monitor
