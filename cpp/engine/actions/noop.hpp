// noop: does nothing and always succeeds. Arg: none (max_arg 0).
#pragma once

#include <span>

#include "../core/action.hpp"

namespace metta::engine {

class Noop final : public ActionHandler {
 public:
  static constexpr ActionId kId = 0;
  static constexpr const char* kName = "noop";
  static constexpr const char* kConfigKey = "noop";  // the ActionsConfig field that enables it
  static constexpr std::span<const ParamSpec> kParams = kActionParams;
  static constexpr std::span<const StatSpec> kStats = kActionStats;
  Noop(const ParamReader& params, CompileContext& context)
      : ActionHandler(params, context, kName, 0) {}

 protected:
  bool run(Game& /*game*/, Agent& /*actor*/, int /*arg*/) const override { return true; }
};

}  // namespace metta::engine
