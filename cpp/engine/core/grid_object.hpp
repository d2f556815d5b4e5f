// GridObject: the base of every object kind on the grid, the ObsWriter its observation tokens go
// through, and ObjectPrototype, the compiled config that creates one object per map cell.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "ids.hpp"
#include "stats.hpp"

namespace metta::engine {

class Game;

// Feature tokens of an object whose observation never changes (walls), cached per game so the
// encoder copies them without a virtual call or a look at the object.
struct StaticTokens {
  static constexpr int kMax = 2;
  std::uint8_t count = 0;
  std::uint8_t feature[kMax] = {};
  std::uint8_t value[kMax] = {};
};

// Appends [location, feature, value] tokens to one agent's observation; counts what did not fit.
struct ObsWriter {
  std::uint8_t* cursor = nullptr;
  std::uint8_t* end = nullptr;
  std::uint8_t location = 0;
  std::uint32_t dropped = 0;

  // Tokens that still fit.
  [[nodiscard]] std::ptrdiff_t room() const { return (end - cursor) / 3; }
  // Appends without the capacity check; callers check room() first.
  void put_unchecked(std::uint8_t feature_id, std::uint8_t value) {
    cursor[0] = location;
    cursor[1] = feature_id;
    cursor[2] = value;
    cursor += 3;
  }
  void put(std::uint8_t feature_id, std::uint8_t value) {
    if (cursor == end) {
      ++dropped;
      return;
    }
    cursor[0] = location;
    cursor[1] = feature_id;
    cursor[2] = value;
    cursor += 3;
  }
};

class GridObject {
 public:
  GridObject(KindId kind, TypeId type_id, Layer layer, std::uint16_t spec_index)
      : kind_(kind), type_id_(type_id), layer_(layer), spec_index_(spec_index) {}
  GridObject(const GridObject&) = delete;
  GridObject& operator=(const GridObject&) = delete;
  virtual ~GridObject() = default;

  // Every feature token of this object, in its fixed order.
  virtual void write_obs(ObsWriter& out) const = 0;
  // Fills `out` (at most StaticTokens::kMax tokens) and returns true if this object's tokens never
  // change during an episode and are the same for every object of its config entry (walls).
  [[nodiscard]] virtual bool static_tokens(StaticTokens& /*out*/) const { return false; }
  // Whether the swap action may move it.
  [[nodiscard]] virtual bool swappable() const { return false; }
  // Called once after the whole map is placed (converters start converting here).
  virtual void on_attach(Game& /*game*/) {}
  // A scheduled event of `type` fired for this object.
  virtual void on_event(Game& /*game*/, std::uint8_t /*type*/) {}

  [[nodiscard]] KindId kind() const { return kind_; }
  [[nodiscard]] TypeId type_id() const { return type_id_; }
  [[nodiscard]] Layer layer() const { return layer_; }
  // Index of the config entry (map cell name) this object was built from.
  [[nodiscard]] std::uint16_t spec_index() const { return spec_index_; }

  ObjectIndex id = 0;
  Location loc;
  Stats
      stats;  // per-object counters, sized for the kinds that declare stats (registry), else empty

 private:
  KindId kind_;
  TypeId type_id_;
  Layer layer_;
  std::uint16_t spec_index_;
};

// Compiled config of one map cell name: creates the object placed on every such cell.
class ObjectPrototype {
 public:
  ObjectPrototype() = default;
  ObjectPrototype(const ObjectPrototype&) = delete;
  ObjectPrototype& operator=(const ObjectPrototype&) = delete;
  virtual ~ObjectPrototype() = default;
  [[nodiscard]] virtual std::unique_ptr<GridObject> create(std::uint16_t spec_index) const = 0;
  // The type_id every object it creates is observed with.
  [[nodiscard]] virtual TypeId type_id() const = 0;
  // Agents are the players: the game gives them actions, rewards and observations.
  [[nodiscard]] virtual bool is_agent() const { return false; }
};

}  // namespace metta::engine
