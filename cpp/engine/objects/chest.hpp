// Chest (worked example of docs/extending.md): a container on the object layer that stores any
// item, up to `capacity` of each (at most 255).
// Config: type_id, capacity (default 255).
// Observation: type_id, chest:items (total held, capped at 255; feature id 200), then one
//   inv:<item> token per held item.
// Actions that touch it: chest_transfer (deposit everything / withdraw everything).
// Events: none. Stats: none.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "../core/compile_context.hpp"
#include "../core/grid_object.hpp"
#include "../core/kinds.hpp"

namespace metta::engine {

namespace feature {
inline constexpr std::uint8_t kChestItems = kExtensionBase + 0;
}  // namespace feature

struct ChestConfig {
  TypeId type_id = 15;
  std::uint8_t capacity = 255;
  std::size_t num_items = 0;

  static ChestConfig parse(const ParamReader& reader, CompileContext& context) {
    ChestConfig config;
    config.type_id = static_cast<TypeId>(reader.get_int("type_id", 0, 255));
    config.capacity = static_cast<std::uint8_t>(reader.get_int("capacity", 1, 255, 255));
    config.num_items = context.items.size();
    return config;
  }
};

class Chest final : public GridObject {
 public:
  Chest(const ChestConfig& config, std::uint16_t spec_index)
      : GridObject(kinds::kChest, config.type_id, Layer::Object, spec_index),
        inventory(config.num_items, 0), capacity_(config.capacity) {}

  void write_obs(ObsWriter& out) const override {
    int total = 0;
    for (const std::uint8_t count : inventory) total += count;
    out.put(feature::kTypeId, type_id());
    out.put(feature::kChestItems, static_cast<std::uint8_t>(std::min(total, 255)));
    for (std::size_t item = 0; item < inventory.size(); ++item) {
      if (inventory[item] != 0) {
        out.put(static_cast<std::uint8_t>(feature::kInventoryBase + item), inventory[item]);
      }
    }
  }

  // Adds or removes items within [0, capacity]; returns the change applied.
  int update_inventory(std::size_t item, int delta) {
    const int old_count = inventory[item];
    const int new_count = std::clamp(old_count + delta, 0, static_cast<int>(capacity_));
    inventory[item] = static_cast<std::uint8_t>(new_count);
    return new_count - old_count;
  }

  std::vector<std::uint8_t> inventory;

 private:
  std::uint8_t capacity_;
};

class ChestPrototype final : public ObjectPrototype {
 public:
  explicit ChestPrototype(ChestConfig config) : config_(config) {}
  [[nodiscard]] std::unique_ptr<GridObject> create(std::uint16_t spec_index) const override {
    return std::make_unique<Chest>(config_, spec_index);
  }

 private:
  ChestConfig config_;
};

}  // namespace metta::engine
