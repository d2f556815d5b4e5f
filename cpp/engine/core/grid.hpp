// Grid: H x W cells, each holding one object index per layer (agent layer, object layer).
// Stored with a margin of empty cells around the map so the observation scan needs no bounds
// checks; actions use in_bounds() and treat outside cells as blocked.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "ids.hpp"

namespace metta::engine {

struct Cell {
  ObjectIndex layer[kNumLayers] = {0, 0};
};

class Grid {
 public:
  Grid() = default;
  Grid(int height, int width, int margin)
      : height_(height), width_(width), margin_(margin), stride_(width + 2 * margin),
        cells_(static_cast<std::size_t>(height + 2 * margin) * static_cast<std::size_t>(stride_)),
        info_(cells_.size(), 0) {}

  [[nodiscard]] int height() const { return height_; }
  [[nodiscard]] int width() const { return width_; }
  [[nodiscard]] int stride() const { return stride_; }
  [[nodiscard]] bool in_bounds(Location loc) const {
    return loc.r >= 0 && loc.c >= 0 && loc.r < height_ && loc.c < width_;
  }
  // Flat index of an in-margin location (map cells and up to `margin` cells around them).
  [[nodiscard]] std::ptrdiff_t index(Location loc) const {
    return static_cast<std::ptrdiff_t>(loc.r + margin_) * stride_ + (loc.c + margin_);
  }
  [[nodiscard]] const Cell* data() const { return cells_.data(); }

  [[nodiscard]] ObjectIndex at(Location loc, Layer layer) const {
    return in_bounds(loc) ? cells_[static_cast<std::size_t>(index(loc))].layer[static_cast<int>(layer)]
                          : 0;
  }
  [[nodiscard]] bool is_empty(Location loc) const {
    if (!in_bounds(loc)) return false;
    const Cell& cell = cells_[static_cast<std::size_t>(index(loc))];
    return cell.layer[0] == 0 && cell.layer[1] == 0;
  }
  void set(Location loc, Layer layer, ObjectIndex id) {
    const auto at = static_cast<std::size_t>(index(loc));
    Cell& cell = cells_[at];
    cell.layer[static_cast<int>(layer)] = id;
    const auto code = static_cast<std::uint16_t>(info_[at] & kCodeMask);
    info_[at] = static_cast<std::uint16_t>(code | (cell.layer[0] != 0 ? kAgentBit : 0) |
                                           (cell.layer[1] != 0 ? kObjectBit : 0));
  }
  // Per cell, for the observation scan (two bytes instead of eight stay in L1): which layers are
  // occupied, and the token-cache code of the object layer's object (0: none, or ask the object).
  // The Game keeps the code in step with the object layer.
  static constexpr std::uint16_t kAgentBit = 1;
  static constexpr std::uint16_t kObjectBit = 2;
  static constexpr std::uint16_t kCodeMask = 0xFF00;
  [[nodiscard]] const std::uint16_t* info() const { return info_.data(); }
  void set_static_code(Location loc, std::uint8_t code) {
    auto& info = info_[static_cast<std::size_t>(index(loc))];
    info = static_cast<std::uint16_t>((info & ~kCodeMask) | (code << 8));
  }

 private:
  int height_ = 0;
  int width_ = 0;
  int margin_ = 0;
  int stride_ = 0;
  std::vector<Cell> cells_;
  std::vector<std::uint16_t> info_;
};

}  // namespace metta::engine
