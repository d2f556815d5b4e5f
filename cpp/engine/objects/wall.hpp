// Wall: an obstacle on the object layer; a swappable wall is the `block` the swap action pushes.
// Config (kParams below): type_id (default 1), swappable (default false).
// Observation: type_id, then swappable=1 only when swappable.
// Actions that touch it: move (blocked), swap (swappable only). Events: none. Stats: none.
#pragma once

#include <memory>
#include <span>

#include "../core/compile_context.hpp"
#include "../core/grid_object.hpp"
#include "../core/kinds.hpp"

namespace metta::engine {

struct WallConfig {
  static constexpr KindId kId = kinds::kWall;
  static constexpr const char* kName = "wall";
  static constexpr ParamSpec kTypeId = int_param("type_id", 0, 255, 1, "Observed type_id.");
  static constexpr ParamSpec kSwappable =
      bool_param("swappable", false, "Whether swap can move it.");
  static constexpr ParamSpec kParams[] = {kTypeId, kSwappable};
  static constexpr std::uint8_t kObserves[] = {feature::kTypeId, feature::kSwappable};
  static constexpr std::span<const StatSpec> kStats = {};

  TypeId type_id = 1;
  bool swappable = false;

  static WallConfig parse(const ParamReader& reader, CompileContext& /*context*/) {
    WallConfig config;
    config.type_id = static_cast<TypeId>(reader.read_int(kTypeId));
    config.swappable = reader.read_bool(kSwappable);
    return config;
  }
};

class Wall final : public GridObject {
 public:
  Wall(const WallConfig& config, std::uint16_t spec_index)
      : GridObject(kinds::kWall, config.type_id, Layer::Object, spec_index),
        swappable_(config.swappable) {}

  void write_obs(ObsWriter& out) const override {
    out.put(feature::kTypeId, type_id());
    if (swappable_) out.put(feature::kSwappable, 1);
  }
  [[nodiscard]] bool static_tokens(StaticTokens& out) const override {
    out.count = 0;
    out.feature[out.count] = feature::kTypeId;
    out.value[out.count++] = type_id();
    if (swappable_) {
      out.feature[out.count] = feature::kSwappable;
      out.value[out.count++] = 1;
    }
    return true;
  }
  [[nodiscard]] bool swappable() const override { return swappable_; }

 private:
  bool swappable_;
};

class WallPrototype final : public ObjectPrototype {
 public:
  explicit WallPrototype(WallConfig config) : config_(config) {}
  [[nodiscard]] std::unique_ptr<GridObject> create(std::uint16_t spec_index) const override {
    return std::make_unique<Wall>(config_, spec_index);
  }
  [[nodiscard]] TypeId type_id() const override { return config_.type_id; }

 private:
  WallConfig config_;
};

}  // namespace metta::engine
