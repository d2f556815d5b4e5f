// Agent: config parsing, observation tokens, inventory updates with holding rewards.
#include "agent.hpp"

#include <algorithm>
#include <cstring>

namespace metta::engine {

AgentConfig AgentConfig::parse(const ParamReader& reader, CompileContext& context) {
  AgentConfig config;
  config.type_id = static_cast<TypeId>(reader.get_int("type_id", 0, 255, 0));
  config.group_id = static_cast<std::uint8_t>(reader.get_int("group_id", 0, 255));
  config.group_name = reader.get_string("group_name");
  config.group_slot = context.group_slot(config.group_id);
  config.freeze_duration = static_cast<int>(reader.get_int("freeze_duration", -1, 1 << 30, 0));
  config.action_failure_penalty =
      static_cast<float>(reader.get_double("action_failure_penalty", 0.0, 1e9, 0.0));
  config.exploration_reward =
      static_cast<float>(reader.get_double("exploration_reward", 0.0, 1e9, 0.0));
  const std::size_t items = context.items.size();
  for (const auto value : context.item_table(reader, "max_items_per_type", 0, 255)) {
    config.max_items.push_back(static_cast<std::uint8_t>(value));
  }
  for (const auto value : reader.get_double_list("resource_rewards", items, -1e9, 1e9)) {
    config.reward_rate.push_back(static_cast<float>(value));
  }
  for (const auto value : reader.get_double_list("resource_reward_max", items, 0.0, 1e9)) {
    config.reward_cap.push_back(static_cast<std::uint32_t>(std::min(value, 4e9)));
  }
  config.ids = &context.agent_ids;
  return config;
}

void Agent::write_obs(ObsWriter& out) const {
  // A local copy keeps the cursor in a register: byte stores through it may alias any memory,
  // including `out` and this object, which would force reloads after every token.
  ObsWriter writer = out;
  const std::uint8_t* const counts = inventory.data();
  const std::size_t items = inventory.size();
  writer.put(feature::kTypeId, type_id());
  writer.put(feature::kGroup, config_.group_id);
  writer.put(feature::kFrozen, frozen != 0 ? 1 : 0);
  writer.put(feature::kOrientation, static_cast<std::uint8_t>(orientation));
  writer.put(feature::kColor, color);
  std::size_t item = 0;
  // Inventories are mostly empty: skip eight zero counts with one 8-byte test.
  for (; item + 8 <= items; item += 8) {
    std::uint64_t eight = 0;
    std::memcpy(&eight, counts + item, sizeof(eight));
    if (eight == 0) continue;
    for (std::size_t i = item; i < item + 8; ++i) {
      if (counts[i] != 0) writer.put(static_cast<std::uint8_t>(feature::kInventoryBase + i), counts[i]);
    }
  }
  for (; item < items; ++item) {
    const std::uint8_t count = counts[item];
    if (count != 0) writer.put(static_cast<std::uint8_t>(feature::kInventoryBase + item), count);
  }
  out = writer;
}

int Agent::update_inventory(ItemId item, int delta) {
  const int old_count = inventory[item];
  const int new_count = std::clamp(old_count + delta, 0, static_cast<int>(config_.max_items[item]));
  const int applied = new_count - old_count;
  if (applied == 0) return 0;
  inventory[item] = static_cast<std::uint8_t>(new_count);
  const AgentStatIds& ids = *config_.ids;
  if (applied > 0) {
    stats.add(ids.gained[item], applied);
  } else {
    stats.add(ids.lost[item], -applied);
  }
  const float rate = config_.reward_rate[item];
  if (rate != 0.0f) {
    const auto cap = static_cast<int>(std::min<std::uint32_t>(config_.reward_cap[item], 255));
    step_reward += rate * static_cast<float>(std::min(new_count, cap) - std::min(old_count, cap));
  }
  return applied;
}

void Agent::penalize() {
  const float penalty = config_.action_failure_penalty;
  if (penalty != 0.0f) {
    step_reward -= penalty;
    stats.add(config_.ids->failure_penalty, penalty);
  }
}

}  // namespace metta::engine
