// TokenEncoder: writes one agent's observation as [location, feature, value] tokens: four global
// tokens at the window centre, then every object in the window by increasing Manhattan distance
// (rows top to bottom, +column before -column, agent layer before object layer), then 0xFF padding.
// The scan order is precomputed once per grid shape; encoding allocates nothing. Hot path: a
// branch-free pass collects the occupied cells in scan order, then only those are emitted, static
// objects (walls) from a per-game token cache indexed by a per-cell code, the others through
// write_obs().
#pragma once

#include <cstdint>
#include <vector>

#include "../core/grid.hpp"
#include "../core/grid_object.hpp"

namespace metta::engine {

struct GlobalTokens {
  std::uint8_t episode_completion = 0;
  std::uint8_t last_action = 0;
  std::uint8_t last_action_arg = 0;
  std::uint8_t last_reward = 0;
};

struct EncodeResult {
  std::uint32_t written = 0;
  std::uint32_t dropped = 0;
};

class TokenEncoder {
 public:
  TokenEncoder() = default;
  TokenEncoder(const Grid& grid, int obs_height, int obs_width, int num_tokens);

  // `objects` is the game's object table (index 0 unused); `statics` the token cache that the
  // grid's static codes index (entry 0 unused).
  EncodeResult encode(const Grid& grid, const GridObject* const* objects, const StaticTokens* statics,
                      Location center, const GlobalTokens& globals, std::uint8_t* out) const;

 private:
  static constexpr int kMaxCells = (kMaxObsSide | 1) * (kMaxObsSide | 1);
  std::vector<std::int32_t> deltas_;     // in scan order: flat grid offset from the centre cell
  std::vector<std::uint8_t> locations_;  // in scan order: packed (row << 4) | col in the window
  std::uint8_t center_location_ = 0;
  int num_tokens_ = 0;
};

}  // namespace metta::engine
