// noop: does nothing and always succeeds. Arg: none (max_arg 0).
#pragma once

#include "../core/action.hpp"

namespace metta::engine {

class Noop final : public ActionHandler {
 public:
  Noop(const ParamReader& params, CompileContext& context) : ActionHandler(params, context, "noop", 0) {}

 protected:
  bool run(Game& /*game*/, Agent& /*actor*/, int /*arg*/) const override { return true; }
};

}  // namespace metta::engine
