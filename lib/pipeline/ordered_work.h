#pragma once
// A ring of work slots processed by worker threads and handed back in the
// order they were submitted, so that work done in parallel reads out exactly
// as if it had been done in sequence. The caller fills one slot at a time,
// submits it, and takes finished slots back oldest first; with no workers,
// submit() does the work in the caller's thread. The caller is one of the
// threads doing the work: while the oldest slot is still being worked on, it
// takes on a slot no worker has started rather than sleep (when it slept and
// was woken for every slot, a two-core run's caller waited nearly half the
// time and each worker a quarter), so that N threads working means the
// caller and N - 1 workers.
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace msgcapture {

template <class Slot>
class OrderedWork {
public:
    // `work(slot, worker)` runs on worker number `worker`, or `workers` on
    // the caller's thread; `depth` slots exist, so at most that many are
    // filled and unreturned.
    OrderedWork(size_t workers, size_t depth, std::function<void(Slot&, size_t)> work)
        : work_(std::move(work)), slots_(depth), done_(depth, false) {
        for (size_t i = 0; i < workers; ++i) threads_.emplace_back([this, i] { worker_loop(i); });
    }

    ~OrderedWork() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        work_ready_.notify_all();
        for (std::thread& t : threads_) t.join();
    }

    OrderedWork(const OrderedWork&) = delete;
    OrderedWork& operator=(const OrderedWork&) = delete;

    // Slots submitted and not yet returned; the caller must return the oldest
    // before filling another when this equals the depth.
    size_t in_flight() const { return submitted_ - returned_; }
    size_t depth() const { return slots_.size(); }

    // The slot to fill next.
    Slot& to_fill() { return slots_[submitted_ % slots_.size()]; }

    void submit() {
        if (threads_.empty()) {
            work_(to_fill(), 0);  // the caller's index, with no workers
            done_[submitted_ % slots_.size()] = true;
            ++submitted_;
            return;
        }
        {
            std::lock_guard lock(mutex_);
            done_[submitted_ % slots_.size()] = false;
            ++submitted_;
        }
        work_ready_.notify_one();
    }

    // Returns the oldest submitted slot once it is done, working on slots no
    // worker has started until then; it stays the caller's until
    // release_oldest().
    Slot& wait_oldest() {
        const size_t index = returned_ % slots_.size();
        std::unique_lock lock(mutex_);
        while (!done_[index]) {
            if (taken_ == submitted_) {
                slot_done_.wait(lock);
                continue;
            }
            const size_t other = taken_++ % slots_.size();
            lock.unlock();
            work_(slots_[other], threads_.size());
            lock.lock();
            done_[other] = true;  // only the caller waits for slots
        }
        return slots_[index];
    }

    void release_oldest() { ++returned_; }

private:
    void worker_loop(size_t worker) {
        std::unique_lock lock(mutex_);
        for (;;) {
            work_ready_.wait(lock, [&] { return stopping_ || taken_ < submitted_; });
            if (taken_ == submitted_) return;  // stopping, and nothing left
            const size_t index = taken_++ % slots_.size();
            lock.unlock();
            work_(slots_[index], worker);
            lock.lock();
            done_[index] = true;
            slot_done_.notify_all();
        }
    }

    std::function<void(Slot&, size_t)> work_;
    std::vector<Slot> slots_;
    std::vector<bool> done_;  // guarded by mutex_ when there are workers
    std::vector<std::thread> threads_;
    std::mutex mutex_;
    std::condition_variable work_ready_;
    std::condition_variable slot_done_;
    size_t submitted_ = 0;  // written by the caller, under mutex_
    size_t taken_ = 0;      // by workers and the caller, under mutex_
    size_t returned_ = 0;   // only the caller's
    bool stopping_ = false;
};

}  // namespace msgcapture
