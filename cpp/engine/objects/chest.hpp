// Chest (worked example of docs/extending.md): a container on the object layer that stores any
// item, up to `capacity` of each (at most 255).
// Config (kParams below): type_id (default 15), capacity (default 255).
// Observation: type_id, chest:items (total held, capped at 255; feature id 200), then one
//   inv:<item> token per held item.
// Actions that touch it: chest_transfer (deposit everything / withdraw everything).
// Events: none. Stats: <item>.added / <item>.removed (items deposited / withdrawn).
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "../core/compile_context.hpp"
#include "../core/grid_object.hpp"
#include "../core/kinds.hpp"

namespace metta::engine {

namespace feature {
inline constexpr std::uint8_t kChestItems = kExtensionBase + 0;
}  // namespace feature

struct ChestConfig {
  static constexpr KindId kId = kinds::kChest;
  static constexpr const char* kName = "chest";
  static constexpr ParamSpec kTypeId = int_param("type_id", 0, 255, 15, "Observed type_id.");
  static constexpr ParamSpec kCapacity =
      int_param("capacity", 1, 255, 255, "Most of each item it holds.");
  static constexpr ParamSpec kParams[] = {kTypeId, kCapacity};
  static constexpr FeatureSpec kOwnFeatures[] = {
      {feature::kChestItems, "chest:items", 255.0f, false}};
  static constexpr std::uint8_t kObserves[] = {feature::kTypeId, feature::kChestItems,
                                               feature::kInventoryBase};
  static constexpr StatSpec kStats[] = {{"<item>.added", "items deposited"},
                                        {"<item>.removed", "items withdrawn"}};

  TypeId type_id = 15;
  std::uint8_t capacity = 255;
  std::vector<StatId> added, removed;  // per item

  static ChestConfig parse(const ParamReader& reader, CompileContext& context) {
    ChestConfig config;
    config.type_id = static_cast<TypeId>(reader.read_int(kTypeId));
    config.capacity = static_cast<std::uint8_t>(reader.read_int(kCapacity));
    for (const auto& item : context.items) {
      config.added.push_back(context.object_stats.intern(item + ".added"));
      config.removed.push_back(context.object_stats.intern(item + ".removed"));
    }
    return config;
  }
};

class Chest final : public GridObject {
 public:
  Chest(const ChestConfig& config, std::uint16_t spec_index)
      : GridObject(kinds::kChest, config.type_id, Layer::Object, spec_index),
        inventory(config.added.size(), 0),
        config_(config) {}

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
    const int new_count = std::clamp(old_count + delta, 0, static_cast<int>(config_.capacity));
    inventory[item] = static_cast<std::uint8_t>(new_count);
    const int applied = new_count - old_count;
    if (applied > 0) stats.add(config_.added[item], applied);
    if (applied < 0) stats.add(config_.removed[item], -applied);
    return applied;
  }

  std::vector<std::uint8_t> inventory;

 private:
  const ChestConfig& config_;
};

class ChestPrototype final : public ObjectPrototype {
 public:
  explicit ChestPrototype(ChestConfig config) : config_(std::move(config)) {}
  [[nodiscard]] std::unique_ptr<GridObject> create(std::uint16_t spec_index) const override {
    return std::make_unique<Chest>(config_, spec_index);
  }
  [[nodiscard]] TypeId type_id() const override { return config_.type_id; }

 private:
  ChestConfig config_;
};

}  // namespace metta::engine
