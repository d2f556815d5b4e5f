// ActionHandler wrapper: frozen check, resources, stats and failure penalty.
#include "action.hpp"

#include <algorithm>
#include <stdexcept>

#include "../objects/agent.hpp"

namespace metta::engine {

ActionHandler::ActionHandler(const ParamReader& reader, CompileContext& context, std::string name,
                             int max_arg, int priority)
    : name_(std::move(name)),
      max_arg_(max_arg),
      priority_(priority),
      success_stat_(context.agent_stats.intern("action." + name_ + ".success")),
      failed_stat_(context.agent_stats.intern("action." + name_ + ".failed")) {
  const auto required = reader.read_table(kRequiredResources, context.items);
  const auto consumed = reader.read_table(kConsumedResources, context.items);
  for (std::size_t item = 0; item < required.size(); ++item) {
    // Whatever is consumed must be held, so the requirement is at least the consumption.
    const double need = std::max(required[item], consumed[item]);
    if (need > 0) required_.emplace_back(static_cast<ItemId>(item), static_cast<int>(need));
    if (consumed[item] > 0) {
      consumed_.emplace_back(static_cast<ItemId>(item), static_cast<int>(consumed[item]));
    }
  }
}

bool ActionHandler::execute(Game& game, Agent& actor, int arg) const {
  const AgentStatIds& ids = *actor.config().ids;
  if (actor.frozen != 0) {
    actor.stats.add(ids.frozen_ticks, 1);
    actor.stats.add(ids.frozen_ticks_group[actor.config().group_slot], 1);
    if (actor.frozen > 0) --actor.frozen;
    return false;
  }
  bool success = true;
  for (const auto& [item, amount] : required_) {
    if (actor.inventory[item] < amount) {
      success = false;
      break;
    }
  }
  if (success) success = run(game, actor, arg);
  if (success) {
    for (const auto& [item, amount] : consumed_) actor.update_inventory(item, -amount);
    actor.stats.add(success_stat_, 1);
  } else {
    actor.stats.add(failed_stat_, 1);
    actor.penalize();
  }
  return success;
}

}  // namespace metta::engine
