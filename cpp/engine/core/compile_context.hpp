// CompileContext: what object kinds and actions may consult while compiling their config
// (item names, stat name tables, groups). Exists only while a config is compiled.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "params.hpp"
#include "stats.hpp"

namespace metta::engine {

struct GroupInfo {
  std::uint8_t id = 0;
  std::string name;
  float reward_share = 0.0f;  // group_reward_pct
};

// Agent stat ids that several actions and the agent itself update.
struct AgentStatIds {
  std::vector<StatId> gained, lost, get, put, stolen, stolen_from;  // per item
  StatId invalid_type = 0, invalid_arg = 0, failure_penalty = 0, frozen_ticks = 0;
  std::vector<StatId> frozen_ticks_group;  // per group slot (GroupInfo order)
};

struct CompileContext {
  std::vector<std::string> items;
  std::vector<GroupInfo> groups;
  StatNames game_stats;
  StatNames agent_stats;
  StatNames object_stats;
  AgentStatIds agent_ids;

  // Slot of group id in `groups`.
  [[nodiscard]] std::size_t group_slot(std::uint8_t group_id) const {
    for (std::size_t i = 0; i < groups.size(); ++i) {
      if (groups[i].id == group_id) return i;
    }
    return 0;
  }
};

}  // namespace metta::engine
