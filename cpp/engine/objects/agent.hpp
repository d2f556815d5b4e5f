// Agent: a player on the agent layer.
// Config: group (id, name, reward share), freeze_duration (-1 = forever), action_failure_penalty,
//   exploration_reward (paid on entering a cell for the first time in an episode), per-item
//   inventory caps, per-item reward rates and counted-quantity caps.
// Observation: type_id, agent:group, agent:frozen (0/1), agent:orientation, agent:color, then one
//   inv:<item> token per held item.
// Actions that touch it: every action acts through an agent; attack freezes and robs one; swap
//   moves a frozen one. Events: none.
// Stats: <item>.gained/lost/get/put/stolen/stolen_from, action.*, status.frozen.ticks[.<group>].
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "../core/compile_context.hpp"
#include "../core/grid_object.hpp"
#include "../core/kinds.hpp"

namespace metta::engine {

struct AgentConfig {
  TypeId type_id = 0;
  std::uint8_t group_id = 0;
  std::string group_name;
  std::size_t group_slot = 0;  // index into CompileContext::groups
  int freeze_duration = 0;
  float action_failure_penalty = 0.0f;
  float exploration_reward = 0.0f;
  std::vector<std::uint8_t> max_items;      // per item
  std::vector<float> reward_rate;           // per item
  std::vector<std::uint32_t> reward_cap;    // per item: count beyond which holding pays nothing
  const AgentStatIds* ids = nullptr;

  static AgentConfig parse(const ParamReader& reader, CompileContext& context);
};

class Agent final : public GridObject {
 public:
  Agent(const AgentConfig& config, std::uint16_t spec_index)
      : GridObject(kinds::kAgent, config.type_id, Layer::Agent, spec_index),
        inventory(config.max_items.size(), 0), config_(config) {}

  void write_obs(ObsWriter& out) const override;
  [[nodiscard]] bool swappable() const override { return frozen != 0; }

  // Adds `delta` of `item` clamped to [0, cap]; returns the change applied. Pays or takes back
  // the holding reward and counts <item>.gained / <item>.lost.
  int update_inventory(ItemId item, int delta);
  // Failed or invalid action: pays the group's failure penalty.
  void penalize();

  [[nodiscard]] const AgentConfig& config() const { return config_; }

  std::uint32_t agent_index = 0;
  Orientation orientation = Orientation::Up;
  std::uint8_t color = 0;
  int frozen = 0;  // 0 free, > 0 ticks left, -1 forever
  std::vector<std::uint8_t> inventory;
  float step_reward = 0.0f;
  std::uint8_t last_action = 0;
  std::uint8_t last_action_arg = 0;

 private:
  const AgentConfig& config_;
};

class AgentPrototype final : public ObjectPrototype {
 public:
  explicit AgentPrototype(AgentConfig config) : config_(std::move(config)) {}
  [[nodiscard]] std::unique_ptr<GridObject> create(std::uint16_t spec_index) const override {
    return std::make_unique<Agent>(config_, spec_index);
  }
  [[nodiscard]] bool is_agent() const override { return true; }
  [[nodiscard]] const AgentConfig& config() const { return config_; }

 private:
  AgentConfig config_;
};

}  // namespace metta::engine
