// Agent: a player on the agent layer.
// Config (kParams below): group (id, name, reward share), freeze_duration (-1 = forever),
//   action_failure_penalty, exploration_reward (paid on entering a cell for the first time in an
//   episode), observe_visits (within observe_visits_radius), per-item inventory caps, per-item
//   reward rates and counted-quantity caps.
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
  static constexpr KindId kId = kinds::kAgent;
  static constexpr const char* kName = "agent";
  static constexpr ParamSpec kTypeId = int_param("type_id", 0, 255, 0, "Observed type_id.");
  static constexpr ParamSpec kGroupId =
      required_int("group_id", 0, 255, "Group id, observed as agent:group.");
  static constexpr ParamSpec kGroupName =
      required_string("group_name", "Group name (ends group stat names).");
  static constexpr ParamSpec kGroupRewardPct = float_param(
      "group_reward_pct", 0.0, 1.0, 0.0, "Share of each member's reward pooled across the group.");
  static constexpr ParamSpec kFreezeDuration = int_param(
      "freeze_duration", -1, 1 << 30, 10, "Ticks an attacked agent stays frozen (-1: forever).");
  static constexpr ParamSpec kFailurePenalty =
      float_param("action_failure_penalty", 0.0, 1e9, 0.0,
                  "Reward subtracted for every failed or invalid action.");
  static constexpr ParamSpec kExplorationReward =
      float_param("exploration_reward", 0.0, 1e9, 0.0,
                  "Reward paid on entering a cell for the first time in an episode.");
  static constexpr ParamSpec kObserveVisits =
      bool_param("observe_visits", false,
                 "Observe agent:visits: how many times this episode the agent entered its cell "
                 "and each cell of its window within observe_visits_radius steps (up to 255; "
                 "cells never entered: none).");
  static constexpr ParamSpec kVisitsRadius =
      int_param("observe_visits_radius", 1, 60, 1,
                "Manhattan radius of the cells whose visits the agent observes (1: its own cell "
                "and the four next to it; the window clips larger radii).");
  static constexpr ParamSpec kDefaultItemMax =
      int_param("default_item_max", 0, 255, 50, "Inventory cap for items not listed in item_max.");
  static constexpr ParamSpec kItemMax =
      int_table("item_max", 0, 255, 50, "Per-item inventory caps.", "default_item_max");
  static constexpr ParamSpec kRewards =
      float_table("rewards", -1e9, 1e9, 0.0,
                  "Reward per unit held of each item (paid on gain, taken back on loss).");
  static constexpr ParamSpec kRewardMax =
      float_table("reward_max", 0.0, 1e9, 1000.0, "Per-item cap on the counted quantity.");
  static constexpr ParamSpec kParams[] = {
      kTypeId,         kGroupId,           kGroupName,     kGroupRewardPct, kFreezeDuration,
      kFailurePenalty, kExplorationReward, kObserveVisits, kVisitsRadius,   kDefaultItemMax,
      kItemMax,        kRewards,           kRewardMax};
  static constexpr std::uint8_t kObserves[] = {feature::kTypeId, feature::kGroup,
                                               feature::kFrozen, feature::kOrientation,
                                               feature::kColor,  feature::kInventoryBase};
  static constexpr StatSpec kStats[] = {
      {"<item>.gained", "items gained"},
      {"<item>.lost", "items lost"},
      {"<item>.get", "items taken from converters"},
      {"<item>.put", "items put into converters"},
      {"<item>.stolen", "items taken by attacks"},
      {"<item>.stolen_from", "items lost to attacks"},
      {"action.invalid_type", "actions with an unknown type"},
      {"action.invalid_arg", "actions with an argument out of range"},
      {"action.failure_penalty", "total failure penalty paid"},
      {"status.frozen.ticks", "ticks spent frozen"},
      {"status.frozen.ticks.<group>", "ticks spent frozen, by own group"},
  };

  // Registers the agent's group before any kind or action compiles (they intern per-group stats).
  static void declare(const ParamReader& reader, CompileContext& context);

  TypeId type_id = 0;
  std::uint8_t group_id = 0;
  std::string group_name;
  std::size_t group_slot = 0;  // index into CompileContext::groups
  int freeze_duration = 0;
  float action_failure_penalty = 0.0f;
  float exploration_reward = 0.0f;
  bool observe_visits = false;
  int visits_radius = 1;                  // Manhattan radius of the observed visit counts
  std::vector<std::uint8_t> max_items;    // per item
  std::vector<float> reward_rate;         // per item
  std::vector<std::uint32_t> reward_cap;  // per item: count beyond which holding pays nothing
  const AgentStatIds* ids = nullptr;

  static AgentConfig parse(const ParamReader& reader, CompileContext& context);
};

class Agent final : public GridObject {
 public:
  Agent(const AgentConfig& config, std::uint16_t spec_index)
      : GridObject(kinds::kAgent, config.type_id, Layer::Agent, spec_index),
        inventory(config.max_items.size(), 0),
        config_(config) {}

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
  [[nodiscard]] TypeId type_id() const override { return config_.type_id; }
  [[nodiscard]] bool is_agent() const override { return true; }
  [[nodiscard]] const AgentConfig& config() const { return config_; }

 private:
  AgentConfig config_;
};

}  // namespace metta::engine
