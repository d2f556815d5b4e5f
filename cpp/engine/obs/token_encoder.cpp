// TokenEncoder: precomputed distance-ordered scan and the token writer.
#include "token_encoder.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <tuple>

namespace metta::engine {

TokenEncoder::TokenEncoder(const Grid& grid, int obs_height, int obs_width, int num_tokens)
    : num_tokens_(num_tokens) {
  const int radius_h = obs_height >> 1;
  const int radius_w = obs_width >> 1;
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
    deltas_.push_back(entry.dr * grid.stride() + dc);
    locations_.push_back(static_cast<std::uint8_t>(((entry.dr + radius_h) << 4) | (dc + radius_w)));
  }
}

EncodeResult TokenEncoder::encode(const Grid& grid, const GridObject* const* objects,
                                  const StaticTokens* statics, Location center,
                                  const GlobalTokens& globals, std::uint8_t* out) const {
  std::uint8_t* const end = out + static_cast<std::ptrdiff_t>(num_tokens_) * 3;
  ObsWriter writer{out, end, center_location_, 0};
  writer.put(feature::kEpisodeCompletion, globals.episode_completion);
  writer.put(feature::kLastAction, globals.last_action);
  writer.put(feature::kLastActionArg, globals.last_action_arg);
  writer.put(feature::kLastReward, globals.last_reward);
  const std::ptrdiff_t center_index = grid.index(center);
  const Cell* const origin = grid.data() + center_index;
  const std::uint16_t* const info = grid.info() + center_index;
  const std::int32_t* const deltas = deltas_.data();
  // Pass 1 (no data-dependent branches): scan positions of the occupied cells, in order.
  std::uint8_t occupied[kMaxCells];
  std::size_t count = 0;
  const std::size_t cells = deltas_.size();
  for (std::size_t i = 0; i < cells; ++i) {
    occupied[count] = static_cast<std::uint8_t>(i);
    count += static_cast<std::size_t>(info[deltas[i]] != 0);
  }
  // Pass 2: tokens of the occupied cells in scan order; walls come from the cache without a look
  // at the object. The cursor lives in a local (a register) and is handed to the writer only
  // around virtual calls, so consecutive walls do not wait on a store to the writer.
  std::uint8_t* cursor = writer.cursor;
  std::uint32_t dropped = 0;
  for (std::size_t k = 0; k < count; ++k) {
    const std::size_t index = occupied[k];
    const std::int32_t delta = deltas[index];
    const std::uint16_t cell_info = info[delta];
    const std::uint8_t location = locations_[index];
    if ((cell_info & Grid::kAgentBit) != 0) {
      writer.cursor = cursor;
      writer.location = location;
      objects[origin[delta].layer[0]]->write_obs(writer);
      cursor = writer.cursor;
    }
    if ((cell_info & Grid::kObjectBit) == 0) continue;
    const auto code = static_cast<std::uint8_t>(cell_info >> 8);
    if (code != 0) {
      const StaticTokens& cached = statics[code];
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
    } else {
      writer.cursor = cursor;
      writer.location = location;
      objects[origin[delta].layer[1]]->write_obs(writer);
      cursor = writer.cursor;
    }
  }
  writer.cursor = cursor;
  writer.dropped += dropped;
  const auto written = static_cast<std::uint32_t>((writer.cursor - out) / 3);
  std::memset(writer.cursor, 0xFF, static_cast<std::size_t>(end - writer.cursor));
  return EncodeResult{written, writer.dropped};
}

}  // namespace metta::engine
