// CompiledConfig: a game config read once from a Params tree into plain structs, object
// prototypes and action handlers. Immutable and shared by every game that uses it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/action.hpp"
#include "core/compile_context.hpp"
#include "core/grid_object.hpp"
#include "core/params.hpp"

namespace metta::engine {

struct ObjectSpec {
  std::string name;  // the map cell name, e.g. "wall", "agent.team_1"
  KindId kind = 0;
  TypeId type_id = 0;
  std::unique_ptr<ObjectPrototype> prototype;
};

struct FeatureInfo {
  std::uint8_t id = 0;
  std::string name;
  float normalization = 1.0f;
};

struct GameStatIds {
  StatId tokens_written = 0, tokens_dropped = 0, tokens_free_space = 0;
  std::vector<StatId> object_count;  // per object spec ("objects.<name>"), agents excluded
};

class CompiledConfig {
 public:
  // Reads and validates a config; throws std::invalid_argument naming the bad field.
  static std::shared_ptr<const CompiledConfig> compile(const Params& params);

  [[nodiscard]] int radius_h() const { return obs_height >> 1; }
  [[nodiscard]] int radius_w() const { return obs_width >> 1; }
  // Index of an object spec by map cell name, or -1.
  [[nodiscard]] int find_object(const std::string& name) const;

  std::vector<std::string> items;
  int obs_width = 11;
  int obs_height = 11;
  int num_tokens = 200;
  std::uint32_t max_steps = 1000;
  std::vector<std::unique_ptr<ActionHandler>> actions;  // index = action type
  std::vector<ObjectSpec> objects;                      // map code k -> objects[k - 1]
  std::vector<FeatureInfo> features;
  CompileContext context;  // stat tables, groups, agent stat ids
  GameStatIds game_ids;
};

}  // namespace metta::engine
