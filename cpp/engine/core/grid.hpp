// Grid: H x W cells, each holding one object index per layer (agent layer, object layer).
// Stored with a margin of empty cells around the map so the observation scan needs no bounds
// checks; actions use in_bounds() and treat outside cells as blocked.
#pragma once

#include <algorithm>
#include <cstdint>
#include <utility>
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
      : height_(height),
        width_(width),
        margin_(margin),
        stride_(width + 2 * margin),
        cells_(static_cast<std::size_t>(height + 2 * margin) * static_cast<std::size_t>(stride_)),
        info_(cells_.size(), 0),
        words_per_row_(static_cast<std::size_t>(stride_ / 64 + 2)),
        dynamic_(static_cast<std::size_t>(height + 2 * margin) * words_per_row_, 0),
        fixed_(dynamic_.size(), 0) {}

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
    return in_bounds(loc)
               ? cells_[static_cast<std::size_t>(index(loc))].layer[static_cast<int>(layer)]
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
    update_dynamic(loc);
  }
  // Occupancy bitmaps for the observation scan, one bit per cell in rows of words_per_row_ words
  // (one spare word so a 64-bit read at any column stays inside the row). `fixed`: the object
  // layer holds an object the Game marked as never moving (walls that cannot be swapped);
  // `dynamic`: any other occupied cell. fixed_version() changes whenever the fixed set does.
  void set_fixed(Location loc, bool fixed) {
    const auto [word, bit] = bit_of(loc);
    const std::uint64_t old = fixed_[word];
    fixed_[word] = fixed ? (old | bit) : (old & ~bit);
    if (fixed_[word] != old) ++fixed_version_;
    update_dynamic(loc);
  }
  [[nodiscard]] std::uint64_t fixed_version() const { return fixed_version_; }
  // Bitmap words: padded row r (0 = first margin row), padded column c is bit (c & 63) of word
  // r * words_per_row() + (c >> 6); bits past the row end are 0.
  [[nodiscard]] const std::uint64_t* dynamic_bitmap() const { return dynamic_.data(); }
  [[nodiscard]] const std::uint64_t* fixed_bitmap() const { return fixed_.data(); }
  [[nodiscard]] std::size_t words_per_row() const { return words_per_row_; }
  [[nodiscard]] int margin() const { return margin_; }
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
  std::size_t words_per_row_ = 0;
  std::vector<std::uint64_t> dynamic_;
  std::vector<std::uint64_t> fixed_;
  std::uint64_t fixed_version_ = 0;

  [[nodiscard]] std::pair<std::size_t, std::uint64_t> bit_of(Location loc) const {
    const auto row = static_cast<std::size_t>(loc.r) + static_cast<std::size_t>(margin_);
    const auto col = static_cast<std::size_t>(loc.c) + static_cast<std::size_t>(margin_);
    return {row * words_per_row_ + (col >> 6), std::uint64_t{1} << (col & 63)};
  }
  void update_dynamic(Location loc) {
    const auto [word, bit] = bit_of(loc);
    const Cell& cell = cells_[static_cast<std::size_t>(index(loc))];
    const bool dynamic = cell.layer[0] != 0 || (cell.layer[1] != 0 && (fixed_[word] & bit) == 0);
    dynamic_[word] = dynamic ? (dynamic_[word] | bit) : (dynamic_[word] & ~bit);
  }
};

}  // namespace metta::engine
