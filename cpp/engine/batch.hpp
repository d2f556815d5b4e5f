// Batch: N games stepped together on a thread pool, writing into one set of contiguous buffers
// (observations [N*agents, tokens, 3] uint8, rewards float32, terminals/truncations bool).
// Data flow of step(): actions [N*agents, 2] int32 -> every game steps on its own slices in
// parallel -> with autoreset, a game whose episode ended records its totals and restarts at once
// on its pending map, so the returned observation is the new episode's first one.
// Results depend only on (seed, game index, episode, actions): never on thread count or timing.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "../common/thread_pool.hpp"
#include "game.hpp"

namespace metta::engine {

struct GameSetup {
  std::shared_ptr<const CompiledConfig> config;
  std::shared_ptr<const MapData> map;
};

// Raw views of the batch buffers; the Batch owns storage unless set_buffers() points elsewhere.
struct BatchBuffers {
  std::uint8_t* observations = nullptr;
  float* rewards = nullptr;
  bool* terminals = nullptr;
  bool* truncations = nullptr;
};

class Batch {
 public:
  // All games must agree on agents per game, window, token count and action set.
  Batch(std::vector<GameSetup> setups, unsigned num_threads, bool autoreset);

  // Resets every game: game i's episode e uses the seed derived from (seed, i, e).
  void reset(std::uint64_t seed);
  // Steps every game with `actions` ([num_envs*agents_per_env, 2] int32).
  void step(const std::int32_t* actions);
  // Config/map for game i's next episode.
  void set_next(std::size_t game, GameSetup setup);
  // Points the engine at caller storage of the right sizes (checked by the caller).
  void set_buffers(const BatchBuffers& buffers) { buffers_ = buffers; }
  [[nodiscard]] const BatchBuffers& buffers() const { return buffers_; }

  [[nodiscard]] std::size_t num_envs() const { return games_.size(); }
  [[nodiscard]] std::size_t agents_per_env() const { return agents_per_env_; }
  [[nodiscard]] std::size_t total_agents() const { return games_.size() * agents_per_env_; }
  [[nodiscard]] int num_tokens() const { return num_tokens_; }
  // Buffer sizes: observations [total_agents, num_tokens, kTokenBytes] uint8 (this many bytes per
  // agent), actions [total_agents, 2] int32, rewards / terminals / truncations [total_agents].
  [[nodiscard]] std::size_t observation_bytes_per_agent() const { return observation_bytes_; }
  [[nodiscard]] unsigned num_threads() const { return pool_.num_threads(); }
  [[nodiscard]] Game& game(std::size_t index) { return *games_.at(index); }
  [[nodiscard]] const Game& game(std::size_t index) const { return *games_.at(index); }
  // 1 for each game whose episode ended in the last step() (with autoreset: already restarted;
  // without: it stays over, and later steps report 0 for it). last_episode() holds its totals.
  [[nodiscard]] const std::vector<std::uint8_t>& episodes_done() const { return episodes_done_; }
  [[nodiscard]] bool any_episode_done() const { return any_done_; }
  [[nodiscard]] std::uint64_t episode_index(std::size_t game) const { return episodes_.at(game); }

 private:
  [[nodiscard]] GameIO io(std::size_t game, const std::int32_t* actions) const;
  void reset_game(std::size_t game);

  std::vector<std::unique_ptr<Game>> games_;
  ThreadPool pool_;
  bool autoreset_;
  std::size_t agents_per_env_ = 0;
  int num_tokens_ = 0;
  std::size_t observation_bytes_ = 0;
  std::uint64_t seed_ = 0;
  std::vector<std::uint64_t> episodes_;
  std::vector<std::uint8_t> episodes_done_;
  bool any_done_ = false;
  std::vector<std::uint8_t> own_observations_;
  std::vector<float> own_rewards_;
  std::unique_ptr<bool[]> own_terminals_;
  std::unique_ptr<bool[]> own_truncations_;
  BatchBuffers buffers_;
};

}  // namespace metta::engine
