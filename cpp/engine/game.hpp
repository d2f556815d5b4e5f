// Game: one MettaGrid episode at a time: grid, objects, agents, event queue, stats.
// Data flow of step(): actions in -> events -> shuffled priority passes of actions -> group reward
// sharing -> rewards, observations, truncations out (into caller-owned slices).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/event_queue.hpp"
#include "core/grid.hpp"
#include "core/rng.hpp"
#include "game_config.hpp"
#include "objects/agent.hpp"
#include "obs/token_encoder.hpp"

namespace metta::engine {

// A map as config cell codes, row-major: 0 = empty, k = config.objects[k - 1].
struct MapData {
  int height = 0;
  int width = 0;
  std::vector<std::uint16_t> cells;

  // Checks the map against a config; returns its number of agents. Throws std::invalid_argument.
  std::size_t validate(const CompiledConfig& config) const;
  // The map's fingerprint (initial_grid_hash): wyhash of "r,c:name;" over every cell, row-major,
  // so equal maps give equal numbers across runs and machines. Empty cells are always "empty":
  // the engine sees codes, not the "." or " " a map was drawn with, so a map hashes the same
  // whichever characters drew it.
  [[nodiscard]] std::uint64_t grid_hash(const CompiledConfig& config) const;
};

// Output slices of one game inside the batch buffers.
struct GameIO {
  const std::int32_t* actions = nullptr;  // [agents, 2]
  std::uint8_t* observations = nullptr;   // [agents, tokens, 3]
  float* rewards = nullptr;               // [agents]
  bool* terminals = nullptr;              // [agents]
  bool* truncations = nullptr;            // [agents]
};

// Totals of a finished episode, kept when the game resets itself.
struct EpisodeSummary {
  std::shared_ptr<const CompiledConfig> config;  // the episode's own (stat names, max_steps)
  std::uint64_t grid_hash = 0;                   // of the episode's map (MapData::grid_hash)
  std::uint64_t seed = 0;                        // the episode's reset seed
  int map_height = 0;
  int map_width = 0;
  std::uint64_t steps = 0;
  std::vector<float> rewards;                    // per agent, after group sharing
  std::vector<double> game_stats;                // by game stat id
  std::vector<std::vector<double>> agent_stats;  // per agent, by agent stat id
};

class Game {
 public:
  Game(std::shared_ptr<const CompiledConfig> config, std::shared_ptr<const MapData> map);

  // Starts an episode on the pending config/map; writes the first observations and, unless
  // io.rewards is null (autoreset keeps the last step's), zero rewards and cleared flags.
  void reset(std::uint64_t seed, const GameIO& io);
  void step(const GameIO& io);
  // Config and map the next reset() will use (same agent count).
  void set_next(std::shared_ptr<const CompiledConfig> config, std::shared_ptr<const MapData> map);
  // Copies the current episode's totals into last_episode().
  void summarize_episode();

  // State queries.
  [[nodiscard]] const CompiledConfig& config() const { return *config_; }
  [[nodiscard]] const std::shared_ptr<const CompiledConfig>& config_handle() const {
    return config_;
  }
  [[nodiscard]] const MapData& map() const { return *map_; }
  [[nodiscard]] std::uint64_t grid_hash() const { return grid_hash_; }
  [[nodiscard]] std::size_t num_agents() const { return num_agents_; }
  [[nodiscard]] std::uint64_t current_step() const { return current_step_; }
  [[nodiscard]] bool episode_over() const;
  [[nodiscard]] const std::vector<Agent*>& agents() const { return agents_; }
  [[nodiscard]] const std::vector<GridObject*>& objects() const { return object_ptrs_; }
  [[nodiscard]] const std::vector<std::uint8_t>& action_success() const { return action_success_; }
  [[nodiscard]] const std::vector<float>& episode_rewards() const { return episode_rewards_; }
  [[nodiscard]] const EpisodeSummary& last_episode() const { return last_episode_; }
  [[nodiscard]] const Stats& stats() const { return stats_; }
  [[nodiscard]] const Grid& grid() const { return grid_; }

  // Used by actions and objects.
  [[nodiscard]] Agent* agent_at(Location loc) const;
  [[nodiscard]] GridObject* object_at(Location loc, Layer layer) const;
  // Moves an object to an empty cell of its layer; false if out of bounds or occupied.
  bool move(GridObject& object, Location to);
  // Exchanges the locations of two objects (each keeps its layer).
  void swap(GridObject& a, GridObject& b);
  void schedule(ObjectIndex object, std::uint8_t type, std::uint32_t delay);

 private:
  // Phases of step(), in order.
  void begin_step();
  void process_events();
  void shuffle_agent_order();
  void run_actions(const std::int32_t* actions);
  void share_group_rewards();
  void write_rewards(float* rewards);
  void write_observations(std::uint8_t* observations);
  void write_episode_end(bool* terminals, bool* truncations) const;

  void build_objects();
  void place_map_objects();    // the map's objects, agents and per-object stats
  void build_static_tokens();  // the token cache of unchanging objects and the fixed set
  // Grid bookkeeping of one object: put it on / take it off its cell (and the token-cache code).
  void place(GridObject& object, Location loc);
  void lift(const GridObject& object);
  // Counts the agent's entry into its cell (saturating at 255); true the first time this episode
  // (only while visits are tracked: some agent pays an exploration_reward or observes visits).
  bool visit(const Agent& agent);
  // `agent`'s visit counts this episode, row-major over the map (null when untracked).
  [[nodiscard]] const std::uint8_t* visit_plane(const Agent& agent) const;

  std::shared_ptr<const CompiledConfig> config_;
  std::shared_ptr<const MapData> map_;
  std::shared_ptr<const CompiledConfig> next_config_;
  std::shared_ptr<const MapData> next_map_;
  // Hashed when a map arrives (construction, set_next), never inside step()'s autoreset.
  std::uint64_t grid_hash_ = 0;
  std::uint64_t next_grid_hash_ = 0;

  Grid grid_;
  TokenEncoder encoder_;
  EventQueue events_;
  Rng rng_;
  std::vector<std::unique_ptr<GridObject>> objects_;  // index = ObjectIndex, [0] empty
  std::vector<GridObject*> object_ptrs_;
  std::vector<StaticTokens> static_tokens_;  // by static code: tokens of unchanging objects
  std::vector<std::uint8_t> static_code_;    // per object: its code (0: ask the object)
  std::vector<std::uint8_t> fixed_;          // per object: 1 if it never moves (see build_objects)
  std::vector<Agent*> agents_;
  std::vector<std::uint32_t> order_;  // shuffled agent order
  std::vector<std::uint8_t> action_success_;
  std::vector<float> episode_rewards_;
  // [agent * cells + cell]: how many times the agent entered the cell this episode (its start
  // cell counts once). Empty unless some agent pays an exploration_reward or observes visits.
  std::vector<std::uint8_t> visits_;
  std::vector<float> group_pool_;          // per group slot
  std::vector<std::uint32_t> group_size_;  // per group slot
  Stats stats_;
  EpisodeSummary last_episode_;
  std::size_t num_agents_ = 0;
  std::uint64_t current_step_ = 0;
  std::uint64_t episode_seed_ = 0;  // the seed reset() was given for this episode
  int max_priority_ = 0;
};

}  // namespace metta::engine
