// Agent: config parsing, observation tokens, inventory updates with holding rewards.
#include "agent.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

namespace metta::engine {

void AgentConfig::declare(const ParamReader& reader, CompileContext& context) {
  const auto id = static_cast<std::uint8_t>(reader.read_int(kGroupId));
  const std::string& name = reader.read_string(kGroupName);
  const auto share = static_cast<float>(reader.read_double(kGroupRewardPct));
  const auto existing = std::find_if(context.groups.begin(), context.groups.end(),
                                     [&](const GroupInfo& group) { return group.id == id; });
  if (existing == context.groups.end()) {
    context.groups.push_back(GroupInfo{id, name, share});
  } else if (existing->name != name || existing->reward_share != share) {
    throw std::invalid_argument(reader.field(kGroupId.name) + ": group id " + std::to_string(id) +
                                " is used by two groups with different names or reward shares");
  }
}

AgentConfig AgentConfig::parse(const ParamReader& reader, CompileContext& context) {
  AgentConfig config;
  config.type_id = static_cast<TypeId>(reader.read_int(kTypeId));
  config.group_id = static_cast<std::uint8_t>(reader.read_int(kGroupId));
  config.group_name = reader.read_string(kGroupName);
  config.group_slot = context.group_slot(config.group_id);
  config.freeze_duration = static_cast<int>(reader.read_int(kFreezeDuration));
  config.action_failure_penalty = static_cast<float>(reader.read_double(kFailurePenalty));
  config.exploration_reward = static_cast<float>(reader.read_double(kExplorationReward));
  config.observe_visits = reader.read_bool(kObserveVisits);
  config.visits_radius = static_cast<int>(reader.read_int(kVisitsRadius));
  const auto default_max = static_cast<double>(reader.read_int(kDefaultItemMax));
  for (const double value : reader.read_table(kItemMax, context.items, default_max)) {
    config.max_items.push_back(static_cast<std::uint8_t>(value));
  }
  for (const double value : reader.read_table(kRewards, context.items)) {
    config.reward_rate.push_back(static_cast<float>(value));
  }
  for (const double value : reader.read_table(kRewardMax, context.items)) {
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
      if (counts[i] != 0)
        writer.put(static_cast<std::uint8_t>(feature::kInventoryBase + i), counts[i]);
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
