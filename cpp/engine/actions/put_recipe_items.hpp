// put_recipe_items: the agent puts, for each input item of the converter in front, up to one
// recipe's worth of what it holds. Succeeds iff at least one item moved; the
// converter then tries to start. Stats: <item>.put.
#pragma once

#include <span>

#include <algorithm>

#include "../core/action.hpp"
#include "../game.hpp"
#include "../objects/converter.hpp"

namespace metta::engine {

class PutRecipeItems final : public ActionHandler {
 public:
  static constexpr ActionId kId = 3;
  static constexpr const char* kName = "put_recipe_items";
  static constexpr const char* kConfigKey =
      "put_recipe_items";  // the ActionsConfig field that enables it
  static constexpr std::span<const ParamSpec> kParams = kActionParams;
  static constexpr std::span<const StatSpec> kStats = kActionStats;
  PutRecipeItems(const ParamReader& params, CompileContext& context)
      : ActionHandler(params, context, kName, 0) {}

 protected:
  bool run(Game& game, Agent& actor, int /*arg*/) const override {
    GridObject* target =
        game.object_at(relative_location(actor.loc, actor.orientation, 1, 0), Layer::Object);
    if (target == nullptr || target->kind() != kinds::kConverter) return false;
    auto& converter = static_cast<Converter&>(*target);
    const auto& recipe = converter.config().recipe_input;
    const AgentStatIds& ids = *actor.config().ids;
    bool moved = false;
    for (std::size_t item = 0; item < recipe.size(); ++item) {
      const int offer = std::min<int>(recipe[item], actor.inventory[item]);
      if (offer == 0) continue;
      const int accepted = converter.update_inventory(static_cast<ItemId>(item), offer);
      if (accepted == 0) continue;
      actor.update_inventory(static_cast<ItemId>(item), -accepted);
      actor.stats.add(ids.put[item], accepted);
      moved = true;
    }
    if (moved) converter.try_start(game);
    return moved;
  }
};

}  // namespace metta::engine
