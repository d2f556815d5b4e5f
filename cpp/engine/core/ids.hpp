// Small value types shared by the whole engine: object/type/item ids, orientation, locations,
// and the fixed observation feature ids (part of the saved-policy format: append, never renumber).
#pragma once

#include <cstdint>

namespace metta::engine {

using ObjectIndex = std::uint32_t;  // index into Game's object table; 0 means "no object"
using TypeId = std::uint8_t;        // observed `type_id` of an object (agents are 0)
using ItemId = std::uint8_t;        // index into the game's inventory item names
using KindId = std::uint16_t;       // registry id of an object kind (agent, wall, converter, ...)
using ActionId = std::uint16_t;     // registry id of an action handler

enum class Layer : std::uint8_t { Agent = 0, Object = 1 };
inline constexpr int kNumLayers = 2;

// Not clockwise: the values are part of the action (rotate's arg) and observation encoding, so
// saved policies depend on them; never reorder.
enum class Orientation : std::uint8_t { Up = 0, Down = 1, Left = 2, Right = 3 };

struct Location {
  int r = 0;
  int c = 0;
};

// Cell `distance` steps forward and `offset` steps to the left of `origin` facing `orientation`.
// No clamping: callers check bounds and treat outside cells as blocked.
[[nodiscard]] constexpr Location relative_location(Location origin, Orientation orientation,
                                                   int distance, int offset) {
  switch (orientation) {
    case Orientation::Up:
      return {origin.r - distance, origin.c - offset};
    case Orientation::Down:
      return {origin.r + distance, origin.c + offset};
    case Orientation::Left:
      return {origin.r + offset, origin.c - distance};
    case Orientation::Right:
      return {origin.r - offset, origin.c + distance};
  }
  return origin;
}

// Observation feature ids. Inventory item i is kInventoryBase + i; extension features (new object
// kinds) take explicit ids from kExtensionBase up, so they never depend on the number of items.
namespace feature {
inline constexpr std::uint8_t kTypeId = 0;
inline constexpr std::uint8_t kGroup = 1;
inline constexpr std::uint8_t kHp = 2;
inline constexpr std::uint8_t kFrozen = 3;
inline constexpr std::uint8_t kOrientation = 4;
inline constexpr std::uint8_t kColor = 5;
inline constexpr std::uint8_t kConverting = 6;
inline constexpr std::uint8_t kSwappable = 7;
inline constexpr std::uint8_t kEpisodeCompletion = 8;
inline constexpr std::uint8_t kLastAction = 9;
inline constexpr std::uint8_t kLastActionArg = 10;
inline constexpr std::uint8_t kLastReward = 11;
inline constexpr std::uint8_t kInventoryBase = 12;
inline constexpr std::uint8_t kExtensionBase = 200;
// agent:visits, an observer's own token: how often it entered its cell and the four next to it.
// Declared after the chest's items (kExtensionBase + 0), the first extension feature.
inline constexpr std::uint8_t kVisits = kExtensionBase + 1;
inline constexpr int kMaxItems = kExtensionBase - kInventoryBase;
}  // namespace feature

// Inventory item i is published as feature "inv:<item name>" with this normalization.
inline constexpr const char* kInventoryFeaturePrefix = "inv:";
inline constexpr float kInventoryNormalization = 100.0f;

// Names a map cell may use for an empty cell (no object may take one); the first is the one the
// grid hash uses.
inline constexpr const char* kEmptyCellNames[] = {"empty", ".", " ", ""};

// Bytes of one observation token: (packed location, feature id, value).
inline constexpr int kTokenBytes = 3;

// Largest observation window side: locations pack (row, col) into one byte of two 4-bit halves,
// and 0xFF marks padding.
inline constexpr int kMaxObsSide = 15;

}  // namespace metta::engine
