// TokenEncoder: writes one agent's observation as [location, feature, value] tokens: four global
// tokens at the window centre, the observer's agent:visits tokens (when it observes them: one per
// entered window cell within its visits radius, in scan order, at that cell's window location),
// then every object in the window by increasing Manhattan distance (rows top to bottom, +column
// before -column, agent layer before object layer), then 0xFF padding. The scan order is
// precomputed once per grid shape; encoding allocates nothing. Hot path: the window's occupied
// cells become a bitmask over scan ranks: the cells of fixed objects (walls that never move) come
// from a per-centre cache, the few dynamic ones (agents, movable objects) from the grid's dynamic
// occupancy bitmap, one 64-bit read a window row. Its set bits are emitted in order: cached-token
// objects (walls) from a per-game token cache indexed by a per-cell code, the others through
// write_obs().
#pragma once

#include <array>
#include <cstddef>
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
  // The observer's per-cell visit counts (row-major over the map, no margin), or null when it
  // does not observe them (agent observe_visits); tokens cover cells within visits_radius.
  const std::uint8_t* visits = nullptr;
  int visits_radius = 0;
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
  // grid's static codes index (entry 0 unused). Not const: fills the per-centre cache of
  // fixed-object cells on first use (a game's encoder is used by one thread at a time).
  EncodeResult encode(const Grid& grid, const GridObject* const* objects,
                      const StaticTokens* statics, Location center, const GlobalTokens& globals,
                      std::uint8_t* out);

 private:
  static constexpr int kMaxCells = (kMaxObsSide | 1) * (kMaxObsSide | 1);
  static constexpr int kMaxWords = (kMaxCells + 63) / 64;
  static constexpr int kRankWords = 4;  // words of the scan-rank bitmask buffers
  static_assert(kMaxWords <= kRankWords, "a window's scan ranks fit the rank bitmask");
  std::vector<std::int32_t> deltas_;     // in scan order: flat grid offset from the centre cell
  std::vector<std::uint8_t> locations_;  // in scan order: packed (row << 4) | col in the window
  std::vector<std::uint8_t> rank_of_;    // row-major window position (row * cols_ + col) -> rank
  int radius_h_ = 0;
  int radius_w_ = 0;
  int rows_ = 0;
  int cols_ = 0;
  int words_ = 0;  // 64-bit words of the scan-rank bitmask
  // Per map cell as window centre: the scan-rank bitmask of the window's fixed-object cells,
  // computed on first use and dropped when the grid's fixed set changes (fixed_version()).
  std::vector<std::uint64_t> fixed_masks_;
  std::vector<std::uint8_t> fixed_ready_;
  std::uint64_t fixed_version_ = ~std::uint64_t{0};
  bool cache_fixed_ = false;  // off for maps so large the cache would exceed kMaxCacheBytes
  static constexpr std::size_t kMaxCacheBytes = std::size_t{8} << 20;
  int map_width_ = 0;

  // ORs into `ranked` the scan-rank bits of the window cells set in the grid's fixed (Fixed) or
  // dynamic bitmap: one 64-bit read per window row, then one table look-up per set bit.
  // Most rows have no dynamic cell, so the per-bit loop rarely runs.
  template <bool Fixed>
  void add_ranks(const Grid& grid, Location center, std::uint64_t* ranked) const;
  // The scan-rank bitmask of the fixed-object cells around `center`, from the cache (filled on
  // first use, dropped when the grid's fixed set changes).
  const std::uint64_t* cached_fixed_ranks(const Grid& grid, Location center);
  // The observer's agent:visits tokens, each at its cell's window location, in scan order up to
  // its visits radius (cells outside the map or never entered send none).
  void write_visits(const Grid& grid, Location center, const GlobalTokens& globals,
                    ObsWriter& writer) const;
  // Pass 1 of encode(): ORs into `ranked` the scan ranks of the window's occupied cells.
  void occupied_ranks(const Grid& grid, Location center, std::uint64_t* ranked);
  // Pass 2 of encode(): the tokens of the cells set in `ranked`, in scan order; cached-token
  // objects (walls) come from `statics` without a look at the object.
  void write_objects(const Grid& grid, const GridObject* const* objects,
                     const StaticTokens* statics, Location center, const std::uint64_t* ranked,
                     ObsWriter& writer) const;
  std::uint8_t center_location_ = 0;
  int num_tokens_ = 0;
};

}  // namespace metta::engine
