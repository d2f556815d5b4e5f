// Wall: an obstacle on the object layer; a swappable wall is the `block` the swap action pushes.
// Config: type_id, swappable (default false).
// Observation: type_id, then swappable=1 only when swappable.
// Actions that touch it: move (blocked), swap (swappable only). Events: none. Stats: none.
#pragma once

#include <memory>

#include "../core/compile_context.hpp"
#include "../core/grid_object.hpp"
#include "../core/kinds.hpp"

namespace metta::engine {

struct WallConfig {
  TypeId type_id = 1;
  bool swappable = false;

  static WallConfig parse(const ParamReader& reader, CompileContext& /*context*/) {
    WallConfig config;
    config.type_id = static_cast<TypeId>(reader.get_int("type_id", 0, 255));
    config.swappable = reader.get_int("swappable", 0, 1, 0) != 0;
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

 private:
  WallConfig config_;
};

}  // namespace metta::engine
