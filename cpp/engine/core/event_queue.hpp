// EventQueue: timed object events (converter finishes, cooldown ends). A min-heap on
// (time, insertion sequence), so equal times fire in scheduling order on every platform.
// Capacity is reserved up front (one pending event per object at most), so no step allocates.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "ids.hpp"

namespace metta::engine {

struct Event {
  std::uint64_t time = 0;
  std::uint64_t sequence = 0;
  ObjectIndex object = 0;
  std::uint8_t type = 0;
};

class EventQueue {
 public:
  void reset(std::size_t capacity) {
    heap_.clear();
    heap_.reserve(capacity);
    sequence_ = 0;
  }

  void schedule(std::uint64_t time, ObjectIndex object, std::uint8_t type) {
    heap_.push_back(Event{time, sequence_++, object, type});
    std::push_heap(heap_.begin(), heap_.end(), later);
  }

  // Pops the earliest event due at or before `now` into `out`; false when none is due.
  bool pop_due(std::uint64_t now, Event& out) {
    if (heap_.empty() || heap_.front().time > now) return false;
    std::pop_heap(heap_.begin(), heap_.end(), later);
    out = heap_.back();
    heap_.pop_back();
    return true;
  }

  [[nodiscard]] std::size_t size() const { return heap_.size(); }

 private:
  static bool later(const Event& a, const Event& b) {
    return a.time != b.time ? a.time > b.time : a.sequence > b.sequence;
  }
  std::vector<Event> heap_;
  std::uint64_t sequence_ = 0;
};

}  // namespace metta::engine
