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
#include "core/schema.hpp"

namespace metta::engine {

struct ObjectSpec {
  std::string name;  // the map cell name, e.g. "wall", "agent.team_1"
  KindId kind = 0;
  TypeId type_id = 0;
  bool keeps_stats = false;  // its kind declares per-object stats
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
  static constexpr ParamSpec kItemNames =
      required_string_list("inventory_item_names",
                           "Item names; item i is observed as feature inv:<name> with id 12 + i.");
  static constexpr ParamSpec kMaxSteps =
      required_int("max_steps", 0, std::int64_t{1} << 31,
                   "Steps after which the episode is truncated (0: never).");
  static constexpr ParamSpec kObsWidth = required_int(
      "obs_width", 1, kMaxObsSide, "Observation window width (locations pack into 4 bits).");
  static constexpr ParamSpec kObsHeight =
      required_int("obs_height", 1, kMaxObsSide, "Observation window height.");
  static constexpr ParamSpec kNumTokens =
      required_int("num_observation_tokens", 4, 1 << 16,
                   "Tokens per agent observation (the first four are global tokens).");
  static constexpr ParamSpec kParams[] = {kItemNames, kMaxSteps, kObsWidth, kObsHeight, kNumTokens};
  // Keys of the game config that hold entries rather than values.
  static constexpr const char* kEntryKeys[] = {"actions", "objects"};
  static constexpr std::size_t kMaxObjects = 65000;

  // Reads and validates a config; throws std::invalid_argument naming the bad field.
  static std::shared_ptr<const CompiledConfig> compile(const Params& params);

  // Bytes of one agent's observation: num_tokens tokens of kTokenBytes.
  [[nodiscard]] std::size_t observation_bytes() const {
    return static_cast<std::size_t>(num_tokens) * static_cast<std::size_t>(kTokenBytes);
  }
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
