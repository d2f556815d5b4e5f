// rotate: sets the orientation to arg (0 Up, 1 Down, 2 Left, 3 Right); always succeeds.
#pragma once

#include <span>

#include "../core/action.hpp"
#include "../objects/agent.hpp"

namespace metta::engine {

class Rotate final : public ActionHandler {
 public:
  static constexpr ActionId kId = 2;
  static constexpr const char* kName = "rotate";
  static constexpr const char* kConfigKey = "rotate";  // the ActionsConfig field that enables it
  static constexpr std::span<const ParamSpec> kParams = kActionParams;
  static constexpr std::span<const StatSpec> kStats = kActionStats;
  Rotate(const ParamReader& params, CompileContext& context)
      : ActionHandler(params, context, kName, 3) {}

 protected:
  bool run(Game& /*game*/, Agent& actor, int arg) const override {
    actor.orientation = static_cast<Orientation>(arg);
    return true;
  }
};

}  // namespace metta::engine
