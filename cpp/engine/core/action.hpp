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
#include "schema.hpp"

namespace metta::engine {

// Config fields and stats every action has (ActionHandler reads and counts them).
inline constexpr ParamSpec kRequiredResources =
    int_table("required_resources", 0, 255, 0,
              "Items the agent must hold (the consumed items are always required too).");
inline constexpr ParamSpec kConsumedResources =
    int_table("consumed_resources", 0, 255, 0,
              "Items a successful action uses up; a failed action costs nothing.");
inline constexpr ParamSpec kActionParams[] = {kRequiredResources, kConsumedResources};
inline constexpr StatSpec kActionStats[] = {{"action.<action>.success", "successful actions"},
                                            {"action.<action>.failed", "failed actions"}};
// Keys of an action's config entry that the compiler reads, not the handler.
inline constexpr const char* kActionEntryKeys[] = {"name"};

class Agent;
class Game;

class ActionHandler {
 public:
  // Reads `required_resources` / `consumed_resources` (item tables) from `reader`.
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
