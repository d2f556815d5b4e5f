// swap: exchanges places with the swappable thing in front (a block, or a frozen agent): the agent
// layer is checked first, then the object layer. Each keeps its layer. Stats: action.swap.<name>.
#pragma once

#include <span>

#include <string>
#include <vector>

#include "../core/action.hpp"
#include "../game.hpp"

namespace metta::engine {

class Swap final : public ActionHandler {
 public:
  static constexpr ActionId kId = 7;
  static constexpr const char* kName = "swap";
  static constexpr const char* kConfigKey = "swap";  // the ActionsConfig field that enables it
  static constexpr std::span<const ParamSpec> kParams = kActionParams;
  static constexpr StatSpec kStats[] = {kActionStats[0],
                                        kActionStats[1],
                                        {"action.swap.agent", "swaps with a frozen agent"},
                                        {"action.swap.object", "swaps with a block"}};
  Swap(const ParamReader& params, CompileContext& context)
      : ActionHandler(params, context, kName, 0),
        swapped_agent_(context.agent_stats.intern("action.swap.agent")),
        swapped_object_(context.agent_stats.intern("action.swap.object")) {}

 protected:
  bool run(Game& game, Agent& actor, int /*arg*/) const override {
    const Location front = relative_location(actor.loc, actor.orientation, 1, 0);
    GridObject* target = game.object_at(front, Layer::Agent);
    if (target == nullptr) target = game.object_at(front, Layer::Object);
    if (target == nullptr || !target->swappable()) return false;
    actor.stats.add(target->layer() == Layer::Agent ? swapped_agent_ : swapped_object_, 1);
    game.swap(actor, *target);
    return true;
  }

 private:
  StatId swapped_agent_;
  StatId swapped_object_;
};

}  // namespace metta::engine
