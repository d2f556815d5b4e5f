// move: one cell forward (arg 0) or backward (arg 1) relative to the agent's orientation, which is
// unchanged. Fails if the target cell is outside the map or holds anything on any layer.
#pragma once

#include <span>

#include "../core/action.hpp"
#include "../game.hpp"

namespace metta::engine {

class Move final : public ActionHandler {
 public:
  static constexpr ActionId kId = 1;
  static constexpr const char* kName = "move";
  static constexpr const char* kConfigKey = "move";  // the ActionsConfig field that enables it
  static constexpr std::span<const ParamSpec> kParams = kActionParams;
  static constexpr std::span<const StatSpec> kStats = kActionStats;
  Move(const ParamReader& params, CompileContext& context)
      : ActionHandler(params, context, kName, 1) {}

 protected:
  bool run(Game& game, Agent& actor, int arg) const override {
    const Location target = relative_location(actor.loc, actor.orientation, arg == 0 ? 1 : -1, 0);
    if (!game.grid().is_empty(target)) return false;
    return game.move(actor, target);
  }
};

}  // namespace metta::engine
