#pragma once
// The monitor's terminal screens (ncurses): the peer table, one peer's
// messages as they arrive, and one message's decoded JSON. Redrawn four
// times a second from copies of the model; keys are listed in the footer.
#include <atomic>
#include <string>
#include <vector>

#include "monitor_model.h"

namespace monitor {

struct ScreenOptions {
    std::string title;  // the directory being watched
};

// Runs until the user quits or `stop` becomes true. Takes over the terminal
// and gives it back.
void run_screen(Model& model, const ScreenOptions& options, std::atomic<bool>& stop);

// The peer table's rows as text, in the given width (for the screen, and
// for tests of the layout without a terminal).
struct TableLayout {
    std::string header;
    std::vector<std::string> rows;
    std::vector<std::string> keys;  // each row's peer
    std::vector<bool> closed;
};
enum class SortKey { Id, Address, Type, Start, MessagesIn, BytesIn, MessagesOut, BytesOut, Last, Age };
TableLayout layout_peer_table(std::vector<PeerRow> peers, size_t width, SortKey sort, bool reverse, int64_t now_us);
std::string sort_key_name(SortKey key);

}  // namespace monitor
