// TokenEncoder: precomputed distance-ordered scan and the token writer.
#include "token_encoder.hpp"

#include <algorithm>
#include <bit>
#include <cstdlib>
#include <cstring>
#include <tuple>

namespace metta::engine {

namespace {
// Index of the lowest set bit of a non-zero word (one instruction; no zero check needed).
inline int lowest_bit(std::uint64_t bits) {
#if defined(__GNUC__) || defined(__clang__)
  return __builtin_ctzll(bits);
#else
  return std::countr_zero(bits);
#endif
}
}  // namespace

TokenEncoder::TokenEncoder(const Grid& grid, int obs_height, int obs_width, int num_tokens)
    : num_tokens_(num_tokens) {
  const int radius_h = obs_height >> 1;
  const int radius_w = obs_width >> 1;
  radius_h_ = radius_h;
  radius_w_ = radius_w;
  rows_ = 2 * radius_h + 1;
  cols_ = 2 * radius_w + 1;
  words_ = (rows_ * cols_ + 63) / 64;
  rank_of_.assign(static_cast<std::size_t>(rows_) * static_cast<std::size_t>(cols_), 0);
  map_width_ = grid.width();
  const auto map_cells =
      static_cast<std::size_t>(grid.height()) * static_cast<std::size_t>(grid.width());
  cache_fixed_ =
      map_cells * (static_cast<std::size_t>(words_) * sizeof(std::uint64_t) + 1) <= kMaxCacheBytes;
  if (cache_fixed_) {
    fixed_masks_.assign(map_cells * static_cast<std::size_t>(words_), 0);
    fixed_ready_.assign(map_cells, 0);
  }
  center_location_ = static_cast<std::uint8_t>((radius_h << 4) | radius_w);
  struct Entry {
    int distance, dr, neg_dc;
  };
  std::vector<Entry> entries;
  for (int dr = -radius_h; dr <= radius_h; ++dr) {
    for (int dc = -radius_w; dc <= radius_w; ++dc) {
      entries.push_back(Entry{std::abs(dr) + std::abs(dc), dr, -dc});
    }
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return std::tie(a.distance, a.dr, a.neg_dc) < std::tie(b.distance, b.dr, b.neg_dc);
  });
  for (const Entry& entry : entries) {
    const int dc = -entry.neg_dc;
    const int position = (entry.dr + radius_h) * cols_ + dc + radius_w;  // row-major in the window
    rank_of_[static_cast<std::size_t>(position)] = static_cast<std::uint8_t>(deltas_.size());
    deltas_.push_back(entry.dr * grid.stride() + dc);
    locations_.push_back(static_cast<std::uint8_t>(((entry.dr + radius_h) << 4) | (dc + radius_w)));
  }
}

template <bool Fixed>
void TokenEncoder::add_ranks(const Grid& grid, Location center, std::uint64_t* ranked) const {
  const std::uint64_t row_mask = (std::uint64_t{1} << cols_) - 1;
  // Window corners are at least 0 in margin-padded coordinates (the margin covers the radius).
  const int left = center.c + grid.margin() - radius_w_;
  const int top = center.r + grid.margin() - radius_h_;
  const auto first_col = static_cast<std::size_t>(left);
  const auto first_row = static_cast<std::size_t>(top);
  const std::size_t words_per_row = grid.words_per_row();
  const std::uint64_t* words = (Fixed ? grid.fixed_bitmap() : grid.dynamic_bitmap()) +
                               first_row * words_per_row + (first_col >> 6);
  const std::size_t shift = first_col & 63;
  const std::uint8_t* ranks = rank_of_.data();
  for (int r = 0; r < rows_; ++r, words += words_per_row, ranks += cols_) {
    // (x << 1) << (63 - shift) is x << (64 - shift) without the undefined shift by 64.
    std::uint64_t bits = ((words[0] >> shift) | ((words[1] << 1) << (63 - shift))) & row_mask;
    while (bits != 0) {
      const unsigned rank = ranks[lowest_bit(bits)];
      bits &= bits - 1;
      ranked[rank >> 6] |= std::uint64_t{1} << (rank & 63);
    }
  }
}

const std::uint64_t* TokenEncoder::cached_fixed_ranks(const Grid& grid, Location center) {
  if (grid.fixed_version() != fixed_version_) {
    std::fill(fixed_ready_.begin(), fixed_ready_.end(), std::uint8_t{0});
    fixed_version_ = grid.fixed_version();
  }
  const auto cell = static_cast<std::size_t>(center.r) * static_cast<std::size_t>(map_width_) +
                    static_cast<std::size_t>(center.c);
  std::uint64_t* const fixed = fixed_masks_.data() + cell * static_cast<std::size_t>(words_);
  if (fixed_ready_[cell] == 0) {
    std::uint64_t computed[kRankWords] = {0, 0, 0, 0};
    add_ranks<true>(grid, center, computed);
    std::copy(computed, computed + words_, fixed);
    fixed_ready_[cell] = 1;
  }
  return fixed;
}

void TokenEncoder::occupied_ranks(const Grid& grid, Location center, std::uint64_t* ranked) {
  if (cache_fixed_) {
    const std::uint64_t* const fixed = cached_fixed_ranks(grid, center);
    for (int w = 0; w < words_; ++w) ranked[w] |= fixed[w];
  } else {
    add_ranks<true>(grid, center, ranked);
  }
  add_ranks<false>(grid, center, ranked);
}

namespace {

// Writes an object's cached tokens at `cursor` and returns the new cursor; a token that does not
// fit before `end` is counted in `dropped`. When every token fits (the common case) the cursor
// only advances under well predicted branches, never by a loaded count, so it does not wait on
// loads.
inline std::uint8_t* write_cached(const StaticTokens& cached, std::uint8_t location,
                                  std::uint8_t* cursor, const std::uint8_t* end,
                                  std::uint32_t& dropped) {
  static_assert(StaticTokens::kMax == 2, "the fast path below writes up to two tokens");
  constexpr std::ptrdiff_t kMaxBytes = std::ptrdiff_t{kTokenBytes} * StaticTokens::kMax;
  if (end - cursor >= kMaxBytes) {
    cursor[0] = location;
    cursor[1] = cached.feature[0];
    cursor[2] = cached.value[0];
    cursor += 3;
    if (cached.count == 2) {
      cursor[0] = location;
      cursor[1] = cached.feature[1];
      cursor[2] = cached.value[1];
      cursor += 3;
    }
    return cursor;
  }
  for (int i = 0; i < cached.count; ++i) {
    if (cursor == end) {
      ++dropped;
      continue;
    }
    cursor[0] = location;
    cursor[1] = cached.feature[i];
    cursor[2] = cached.value[i];
    cursor += 3;
  }
  return cursor;
}

}  // namespace

void TokenEncoder::write_objects(const Grid& grid, const GridObject* const* objects,
                                 const StaticTokens* statics, Location center,
                                 const std::uint64_t* ranked, ObsWriter& writer) const {
  const std::ptrdiff_t center_index = grid.index(center);
  const Cell* const origin = grid.data() + center_index;
  const std::uint16_t* const info = grid.info() + center_index;
  const std::int32_t* const deltas = deltas_.data();
  const std::uint8_t* const locations = locations_.data();
  const std::uint8_t* const end = writer.end;
  // The cursor lives in a local (a register) and is handed to the writer only around virtual
  // calls, so consecutive walls do not wait on a store to the writer.
  std::uint8_t* cursor = writer.cursor;
  std::uint32_t dropped = 0;
  for (int w = 0; w < words_; ++w) {
    std::uint64_t pending = ranked[w];
    while (pending != 0) {
      const std::size_t index = static_cast<std::size_t>(w) * 64 + lowest_bit(pending);
      pending &= pending - 1;
      const std::int32_t delta = deltas[index];
      const std::uint16_t cell_info = info[delta];
      const std::uint8_t location = locations[index];
      if ((cell_info & Grid::kAgentBit) != 0) {
        writer.cursor = cursor;
        writer.location = location;
        objects[origin[delta].layer[0]]->write_obs(writer);
        cursor = writer.cursor;
      }
      if ((cell_info & Grid::kObjectBit) == 0) continue;
      const auto code = static_cast<std::uint8_t>(cell_info >> 8);
      if (code != 0) {
        cursor = write_cached(statics[code], location, cursor, end, dropped);
      } else {
        writer.cursor = cursor;
        writer.location = location;
        objects[origin[delta].layer[1]]->write_obs(writer);
        cursor = writer.cursor;
      }
    }
  }
  writer.cursor = cursor;
  writer.dropped += dropped;
}

void TokenEncoder::write_visits(const Grid& grid, Location center, const GlobalTokens& globals,
                                ObsWriter& writer) const {
  const std::size_t width = static_cast<std::size_t>(grid.width());
  for (const std::uint8_t location : locations_) {
    const int dr = (location >> 4) - radius_h_;
    const int dc = (location & 0x0F) - radius_w_;
    if (std::abs(dr) + std::abs(dc) > globals.visits_radius) break;  // scan order: by distance
    const int row = center.r + dr;
    const int col = center.c + dc;
    if (row < 0 || col < 0 || row >= grid.height() || col >= grid.width()) continue;
    const std::uint8_t count =
        globals.visits[static_cast<std::size_t>(row) * width + static_cast<std::size_t>(col)];
    if (count == 0) continue;
    writer.location = location;
    writer.put(feature::kVisits, count);
  }
  writer.location = center_location_;
}

EncodeResult TokenEncoder::encode(const Grid& grid, const GridObject* const* objects,
                                  const StaticTokens* statics, Location center,
                                  const GlobalTokens& globals, std::uint8_t* out) {
  std::uint8_t* const end =
      out + static_cast<std::ptrdiff_t>(num_tokens_) * static_cast<std::ptrdiff_t>(kTokenBytes);
  ObsWriter writer{out, end, center_location_, 0};
  writer.put(feature::kEpisodeCompletion, globals.episode_completion);
  writer.put(feature::kLastAction, globals.last_action);
  writer.put(feature::kLastActionArg, globals.last_action_arg);
  writer.put(feature::kLastReward, globals.last_reward);
  if (globals.visits != nullptr) write_visits(grid, center, globals, writer);
  // Pass 1: which scan ranks are occupied. Pass 2: their tokens, in scan order.
  std::uint64_t ranked[kRankWords] = {0, 0, 0, 0};
  occupied_ranks(grid, center, ranked);
  write_objects(grid, objects, statics, center, ranked, writer);
  const auto written = static_cast<std::uint32_t>((writer.cursor - out) / 3);
  std::memset(writer.cursor, 0xFF, static_cast<std::size_t>(end - writer.cursor));
  return EncodeResult{written, writer.dropped};
}

}  // namespace metta::engine
