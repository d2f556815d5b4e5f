// get_output: the agent takes every output item the converter in front
// holds, as far as its own caps allow. Input items are never returned. Succeeds iff at least one
// item moved; the converter then tries to start. Stats: <item>.get.
#pragma once

#include <span>

#include "../core/action.hpp"
#include "../game.hpp"
#include "../objects/converter.hpp"

namespace metta::engine {

class GetOutput final : public ActionHandler {
 public:
  static constexpr ActionId kId = 4;
  static constexpr const char* kName = "get_output";
  static constexpr const char* kConfigKey =
      "get_output";  // the ActionsConfig field that enables it
  static constexpr std::span<const ParamSpec> kParams = kActionParams;
  static constexpr std::span<const StatSpec> kStats = kActionStats;
  GetOutput(const ParamReader& params, CompileContext& context)
      : ActionHandler(params, context, kName, 0) {}

 protected:
  bool run(Game& game, Agent& actor, int /*arg*/) const override {
    GridObject* target =
        game.object_at(relative_location(actor.loc, actor.orientation, 1, 0), Layer::Object);
    if (target == nullptr || target->kind() != kinds::kConverter) return false;
    auto& converter = static_cast<Converter&>(*target);
    const auto& recipe = converter.config().recipe_output;
    const AgentStatIds& ids = *actor.config().ids;
    bool moved = false;
    for (std::size_t item = 0; item < recipe.size(); ++item) {
      if (recipe[item] == 0 || converter.inventory[item] == 0) continue;
      const int taken =
          actor.update_inventory(static_cast<ItemId>(item), converter.inventory[item]);
      if (taken == 0) continue;
      converter.update_inventory(static_cast<ItemId>(item), -taken);
      actor.stats.add(ids.get[item], taken);
      moved = true;
    }
    if (moved) converter.try_start(game);
    return moved;
  }
};

}  // namespace metta::engine
