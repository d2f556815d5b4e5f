// Batch: construction checks, parallel reset/step, autoreset.
#include "batch.hpp"

#include <stdexcept>
#include <string>

namespace metta::engine {

namespace {
void check_compatible(const CompiledConfig& a, const CompiledConfig& b, std::size_t game) {
  const std::string where = "game " + std::to_string(game) + ": ";
  if (a.obs_width != b.obs_width || a.obs_height != b.obs_height || a.num_tokens != b.num_tokens) {
    throw std::invalid_argument(where +
                                "observation window and num_observation_tokens must match game 0");
  }
  if (a.actions.size() != b.actions.size()) {
    throw std::invalid_argument(where + "action set must match game 0");
  }
  for (std::size_t i = 0; i < a.actions.size(); ++i) {
    if (a.actions[i]->name() != b.actions[i]->name() ||
        a.actions[i]->max_arg() != b.actions[i]->max_arg()) {
      throw std::invalid_argument(where + "action set must match game 0");
    }
  }
  if (a.items != b.items)
    throw std::invalid_argument(where + "inventory_item_names must match game 0");
}
}  // namespace

Batch::Batch(std::vector<GameSetup> setups, unsigned num_threads, bool autoreset)
    : pool_(num_threads == 0 ? ThreadPool::hardware_threads() : num_threads),
      autoreset_(autoreset) {
  if (setups.empty()) throw std::invalid_argument("num_envs: must be at least 1");
  for (std::size_t i = 0; i < setups.size(); ++i) {
    if (!setups[i].config || !setups[i].map)
      throw std::invalid_argument("game setup without config or map");
    check_compatible(*setups[0].config, *setups[i].config, i);
    games_.push_back(std::make_unique<Game>(setups[i].config, setups[i].map));
    if (i == 0) agents_per_env_ = games_[0]->num_agents();
    if (games_[i]->num_agents() != agents_per_env_) {
      throw std::invalid_argument("game " + std::to_string(i) + ": map has " +
                                  std::to_string(games_[i]->num_agents()) + " agents, game 0 has " +
                                  std::to_string(agents_per_env_) +
                                  " (every game needs the same number)");
    }
  }
  num_tokens_ = setups[0].config->num_tokens;
  observation_bytes_ = setups[0].config->observation_bytes();
  const std::size_t agents = total_agents();
  own_observations_.assign(agents * observation_bytes_, 0xFF);
  own_rewards_.assign(agents, 0.0f);
  own_terminals_ = std::make_unique<bool[]>(agents);
  own_truncations_ = std::make_unique<bool[]>(agents);
  buffers_ = BatchBuffers{own_observations_.data(), own_rewards_.data(), own_terminals_.get(),
                          own_truncations_.get()};
  episodes_.assign(games_.size(), 0);
  episodes_done_.assign(games_.size(), 0);
}

GameIO Batch::io(std::size_t game, const std::int32_t* actions) const {
  const std::size_t first = game * agents_per_env_;
  GameIO result;
  result.actions = actions == nullptr ? nullptr : actions + 2 * first;
  result.observations = buffers_.observations + first * observation_bytes_;
  result.rewards = buffers_.rewards + first;
  result.terminals = buffers_.terminals + first;
  result.truncations = buffers_.truncations + first;
  return result;
}

void Batch::reset_game(std::size_t game) {
  const GameIO game_io = io(game, nullptr);
  games_[game]->reset(derive_seed(seed_, game, episodes_[game]), game_io);
  ++episodes_[game];
}

void Batch::reset(std::uint64_t seed) {
  seed_ = seed;
  std::fill(episodes_.begin(), episodes_.end(), 0);
  std::fill(episodes_done_.begin(), episodes_done_.end(), 0);
  any_done_ = false;
  pool_.parallel_for(games_.size(), [this](std::size_t begin, std::size_t end) {
    for (std::size_t game = begin; game < end; ++game) reset_game(game);
  });
}

void Batch::step(const std::int32_t* actions) {
  pool_.parallel_for(games_.size(), [this, actions](std::size_t begin, std::size_t end) {
    for (std::size_t game = begin; game < end; ++game) {
      const GameIO game_io = io(game, actions);
      Game& current = *games_[game];
      // Without autoreset a finished game may be stepped on; it reports its end only once.
      const bool was_over = current.episode_over();
      current.step(game_io);
      const bool ended = !was_over && current.episode_over();
      episodes_done_[game] = ended ? 1 : 0;
      if (ended) current.summarize_episode();
      if (autoreset_ && ended) {
        // Keep the final step's rewards and flags; the observation becomes the new episode's first.
        GameIO reset_io = game_io;
        reset_io.rewards = nullptr;
        current.reset(derive_seed(seed_, game, episodes_[game]), reset_io);
        ++episodes_[game];
      }
    }
  });
  any_done_ = false;
  for (const std::uint8_t done : episodes_done_) any_done_ = any_done_ || done != 0;
}

void Batch::set_next(std::size_t game, GameSetup setup) {
  if (game >= games_.size()) throw std::out_of_range("game index out of range");
  check_compatible(games_[0]->config(), *setup.config, game);
  games_[game]->set_next(std::move(setup.config), std::move(setup.map));
}

}  // namespace metta::engine
