// chest_transfer (worked example of docs/extending.md): with a chest in front, arg 0 deposits
// every item the agent holds (as far as the chest's capacity allows), arg 1 withdraws every item
// (as far as the agent's caps allow). Succeeds iff at least one item moved.
// Stats: chest.deposited, chest.withdrawn (item counts).
#pragma once

#include <span>

#include "../core/action.hpp"
#include "../game.hpp"
#include "../objects/chest.hpp"

namespace metta::engine {

class ChestTransfer final : public ActionHandler {
 public:
  static constexpr ActionId kId = 9;
  static constexpr const char* kName = "chest_transfer";
  static constexpr const char* kConfigKey =
      "chest_transfer";  // the ActionsConfig field that enables it
  static constexpr std::span<const ParamSpec> kParams = kActionParams;
  static constexpr StatSpec kStats[] = {kActionStats[0],
                                        kActionStats[1],
                                        {"chest.deposited", "items put into chests"},
                                        {"chest.withdrawn", "items taken from chests"}};
  ChestTransfer(const ParamReader& params, CompileContext& context)
      : ActionHandler(params, context, kName, 1),
        deposited_(context.agent_stats.intern("chest.deposited")),
        withdrawn_(context.agent_stats.intern("chest.withdrawn")) {}

 protected:
  bool run(Game& game, Agent& actor, int arg) const override {
    GridObject* target =
        game.object_at(relative_location(actor.loc, actor.orientation, 1, 0), Layer::Object);
    if (target == nullptr || target->kind() != kinds::kChest) return false;
    auto& chest = static_cast<Chest&>(*target);
    int moved = 0;
    for (std::size_t item = 0; item < chest.inventory.size(); ++item) {
      if (arg == 0) {
        const int accepted = chest.update_inventory(item, actor.inventory[item]);
        moved += -actor.update_inventory(static_cast<ItemId>(item), -accepted);
      } else {
        const int taken = actor.update_inventory(static_cast<ItemId>(item), chest.inventory[item]);
        moved += -chest.update_inventory(item, -taken);
      }
    }
    actor.stats.add(arg == 0 ? deposited_ : withdrawn_, moved);
    return moved > 0;
  }

 private:
  StatId deposited_;
  StatId withdrawn_;
};

}  // namespace metta::engine
