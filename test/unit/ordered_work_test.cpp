// The exporter's worker ring: whatever order workers finish in, slots come
// back in the order they were submitted.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <random>
#include <thread>

#include "ordered_work.h"

using msgcapture::OrderedWork;

namespace {

struct Slot {
    int input = 0;
    int output = 0;
    int delay_us = 0;
};

// Submits `count` items through a ring of `workers` threads, returning results
// as the exporter does (the oldest first when the ring is full, the rest at the end).
std::vector<int> run_through(size_t workers, size_t depth, int count) {
    OrderedWork<Slot> work(workers, depth, [](Slot& s, size_t) {
        std::this_thread::sleep_for(std::chrono::microseconds(s.delay_us));
        s.output = s.input * 2;
    });
    std::mt19937 rng(7);
    std::vector<int> out;
    for (int i = 0; i < count; ++i) {
        if (work.in_flight() == work.depth()) {
            out.push_back(work.wait_oldest().output);
            work.release_oldest();
        }
        Slot& s = work.to_fill();
        s.input = i;
        s.delay_us = static_cast<int>(rng() % 500);  // later slots often finish first
        work.submit();
    }
    while (work.in_flight() > 0) {
        out.push_back(work.wait_oldest().output);
        work.release_oldest();
    }
    return out;
}

}  // namespace

TEST(OrderedWork, ReturnsSlotsInSubmissionOrderWhateverOrderTheyFinish) {
    std::vector<int> expected;
    for (int i = 0; i < 300; ++i) expected.push_back(2 * i);
    EXPECT_EQ(run_through(0, 1, 300), expected);  // inline, in the caller's thread
    EXPECT_EQ(run_through(1, 3, 300), expected);
    EXPECT_EQ(run_through(4, 10, 300), expected);
    EXPECT_EQ(run_through(8, 2, 300), expected);  // more workers than slots
}

// An exception in the exporter leaves work submitted and unreturned: the
// destructor lets the workers finish it (they use the caller's data) and joins.
TEST(OrderedWork, DestroyingWithWorkInFlightFinishesItAndJoins) {
    std::atomic<int> finished = 0;
    {
        OrderedWork<Slot> work(2, 4, [&](Slot&, size_t) {
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
            ++finished;
        });
        for (int i = 0; i < 4; ++i) work.submit();
    }
    EXPECT_EQ(finished, 4);
}

// The caller is one of the threads: while the oldest slot is held up in a
// worker, it does the slots behind it rather than sleep. Slot 0 here waits
// for slots 1 and 2 to be done, which only a helping caller can do while the
// worker is stuck on slot 0 (and whichever thread takes slot 0, the other
// must do the rest).
TEST(OrderedWork, TheCallerWorksOnLaterSlotsWhileTheOldestIsHeldUp) {
    std::atomic<int> later_done = 0;
    std::atomic<bool> timed_out = false;
    std::vector<size_t> done_by(3, 99);  // the index of the thread that did each slot
    OrderedWork<Slot> work(1, 3, [&](Slot& s, size_t thread) {
        if (s.input == 0) {
            const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
            while (later_done < 2) {
                if (std::chrono::steady_clock::now() > deadline) {
                    timed_out = true;
                    break;
                }
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            }
        } else {
            ++later_done;
        }
        done_by[static_cast<size_t>(s.input)] = thread;
    });
    for (int i = 0; i < 3; ++i) {
        work.to_fill().input = i;
        work.submit();
    }
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(work.wait_oldest().input, i);
        work.release_oldest();
    }
    EXPECT_FALSE(timed_out) << "the caller slept while slots it could do waited";
    // Index 1 (the number of workers) is the caller's.
    EXPECT_NE(done_by[0], done_by[1]);
    EXPECT_EQ(done_by[1], done_by[2]);
    for (size_t thread : done_by) EXPECT_LE(thread, 1u);
}
