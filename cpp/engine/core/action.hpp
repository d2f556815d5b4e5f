// ActionHandler: the base of every action. The wrapper execute() is shared: a frozen agent burns a
// tick and fails (no penalty); required resources must be held; the action runs; only a
// successful action consumes its resources; failures pay the failure penalty. Stats are counted.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "compile_context.hpp"
#include "ids.hpp"

namespace metta::engine {

class Agent;
class Game;

class ActionHandler {
 public:
  // Reads `required_resources` / `consumed_resources` (per-item lists) from `reader`.
  ActionHandler(const ParamReader& reader, CompileContext& context, std::string name, int max_arg,
                int priority = 0);
  ActionHandler(const ActionHandler&) = delete;
  ActionHandler& operator=(const ActionHandler&) = delete;
  virtual ~ActionHandler() = default;

  // Runs the action for `actor` with an argument already checked to be in [0, max_arg].
  bool execute(Game& game, Agent& actor, int arg) const;

  [[nodiscard]] const std::string& name() const { return name_; }
  [[nodiscard]] int max_arg() const { return max_arg_; }
  [[nodiscard]] int priority() const { return priority_; }

 protected:
  // The action itself: changes the game and says whether it succeeded.
  virtual bool run(Game& game, Agent& actor, int arg) const = 0;

 private:
  std::string name_;
  int max_arg_;
  int priority_;
  std::vector<std::pair<ItemId, int>> required_;
  std::vector<std::pair<ItemId, int>> consumed_;
  StatId success_stat_;
  StatId failed_stat_;
};

}  // namespace metta::engine
