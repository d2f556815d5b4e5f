// rotate: sets the orientation to arg (0 Up, 1 Down, 2 Left, 3 Right); always succeeds.
#pragma once

#include "../core/action.hpp"
#include "../objects/agent.hpp"

namespace metta::engine {

class Rotate final : public ActionHandler {
 public:
  Rotate(const ParamReader& params, CompileContext& context)
      : ActionHandler(params, context, "rotate", 3) {}

 protected:
  bool run(Game& /*game*/, Agent& actor, int arg) const override {
    actor.orientation = static_cast<Orientation>(arg);
    return true;
  }
};

}  // namespace metta::engine
