// change_color: arg 0 +1 (saturating at 255), 1 -1 (saturating at 0), 2 doubles (only if <= 127),
// 3 halves. Always succeeds; the colour is observed as agent:color.
#pragma once

#include <span>

#include "../core/action.hpp"
#include "../objects/agent.hpp"

namespace metta::engine {

class ChangeColor final : public ActionHandler {
 public:
  static constexpr ActionId kId = 8;
  static constexpr const char* kName = "change_color";
  static constexpr const char* kConfigKey =
      "change_color";  // the ActionsConfig field that enables it
  static constexpr std::span<const ParamSpec> kParams = kActionParams;
  static constexpr std::span<const StatSpec> kStats = kActionStats;
  ChangeColor(const ParamReader& params, CompileContext& context)
      : ActionHandler(params, context, kName, 3) {}

 protected:
  bool run(Game& /*game*/, Agent& actor, int arg) const override {
    switch (arg) {
      case 0:
        if (actor.color < 255) ++actor.color;
        break;
      case 1:
        if (actor.color > 0) --actor.color;
        break;
      case 2:
        if (actor.color <= 127) actor.color = static_cast<std::uint8_t>(actor.color * 2);
        break;
      default:
        actor.color = static_cast<std::uint8_t>(actor.color / 2);
        break;
    }
    return true;
  }
};

}  // namespace metta::engine
