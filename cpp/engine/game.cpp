// Game: episode construction and the phases of step().
#include "game.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>
#include <string_view>

#include "../common/wyhash.hpp"

namespace metta::engine {

std::size_t MapData::validate(const CompiledConfig& config) const {
  if (height <= 0 || width <= 0) {
    throw std::invalid_argument("map: empty map (height " + std::to_string(height) + ", width " +
                                std::to_string(width) + ")");
  }
  if (cells.size() != static_cast<std::size_t>(height) * static_cast<std::size_t>(width)) {
    throw std::invalid_argument("map: expected height*width cells");
  }
  std::size_t agents = 0;
  for (const std::uint16_t code : cells) {
    if (code > config.objects.size()) {
      throw std::invalid_argument("map: cell code " + std::to_string(code) +
                                  " is not a config object");
    }
    if (code != 0 && config.objects[code - 1u].prototype->is_agent()) ++agents;
  }
  if (agents == 0) throw std::invalid_argument("map: no agent cell (names starting with 'agent.')");
  return agents;
}

std::uint64_t MapData::grid_hash(const CompiledConfig& config) const {
  std::string text;
  text.reserve(cells.size() * 16);
  char number[16];
  const auto append_number = [&](int value) {
    const auto end = std::to_chars(number, number + sizeof(number), value).ptr;
    text.append(number, end);
  };
  for (int r = 0; r < height; ++r) {
    for (int c = 0; c < width; ++c) {
      const std::uint16_t code =
          cells[static_cast<std::size_t>(r) * static_cast<std::size_t>(width) +
                static_cast<std::size_t>(c)];
      append_number(r);
      text += ',';
      append_number(c);
      text += ':';
      text += code == 0 ? std::string_view(kEmptyCellNames[0])
                        : std::string_view(config.objects[code - 1u].name);
      text += ';';
    }
  }
  return wyhash::hash(text);
}

Game::Game(std::shared_ptr<const CompiledConfig> config, std::shared_ptr<const MapData> map)
    : config_(config), map_(map), next_config_(std::move(config)), next_map_(std::move(map)) {
  num_agents_ = next_map_->validate(*next_config_);
  next_grid_hash_ = next_map_->grid_hash(*next_config_);
  grid_hash_ = next_grid_hash_;
}

void Game::set_next(std::shared_ptr<const CompiledConfig> config,
                    std::shared_ptr<const MapData> map) {
  const std::size_t agents = map->validate(*config);
  if (agents != num_agents_) {
    throw std::invalid_argument("map: has " + std::to_string(agents) + " agents, this game has " +
                                std::to_string(num_agents_));
  }
  next_grid_hash_ = map->grid_hash(*config);
  next_config_ = std::move(config);
  next_map_ = std::move(map);
}

bool Game::episode_over() const {
  return config_->max_steps > 0 && current_step_ >= config_->max_steps;
}

void Game::build_objects() {
  const CompiledConfig& config = *config_;
  const MapData& map = *map_;
  const int margin = std::max(config.radius_h(), config.radius_w());
  grid_ = Grid(map.height, map.width, margin);
  encoder_ = TokenEncoder(grid_, config.obs_height, config.obs_width, config.num_tokens);
  stats_ = Stats(config.context.game_stats.size());
  place_map_objects();
  build_static_tokens();
  order_.resize(agents_.size());
  action_success_.assign(agents_.size(), 0);
  episode_rewards_.assign(agents_.size(), 0.0f);
  const bool tracks = std::any_of(agents_.begin(), agents_.end(), [](const Agent* agent) {
    return agent->config().exploration_reward != 0.0f || agent->config().observe_visits;
  });
  visits_.assign(tracks ? agents_.size() * static_cast<std::size_t>(map.height) * map.width : 0, 0);
  for (const Agent* agent : agents_) visit(*agent);  // the start cell is never paid
  group_pool_.assign(config.context.groups.size(), 0.0f);
  group_size_.assign(config.context.groups.size(), 0);
  for (const Agent* agent : agents_) ++group_size_[agent->config().group_slot];
  max_priority_ = 0;
  for (const auto& action : config.actions)
    max_priority_ = std::max(max_priority_, action->priority());
  events_.reset(objects_.size());
}

void Game::place_map_objects() {
  const CompiledConfig& config = *config_;
  const MapData& map = *map_;
  objects_.clear();
  objects_.emplace_back();
  agents_.clear();
  const std::size_t object_stats = config.context.object_stats.size();
  const std::size_t agent_stats = config.context.agent_stats.size();
  for (int r = 0; r < map.height; ++r) {
    for (int c = 0; c < map.width; ++c) {
      const std::uint16_t code = map.cells[static_cast<std::size_t>(r) * map.width + c];
      if (code == 0) continue;
      const auto spec_index = static_cast<std::uint16_t>(code - 1);
      const ObjectSpec& spec = config.objects[spec_index];
      std::unique_ptr<GridObject> object = spec.prototype->create(spec_index);
      object->id = static_cast<ObjectIndex>(objects_.size());
      object->loc = Location{r, c};
      grid_.set(object->loc, object->layer(), object->id);
      if (spec.prototype->is_agent()) {
        auto* agent = static_cast<Agent*>(object.get());
        agent->agent_index = static_cast<std::uint32_t>(agents_.size());
        agent->stats = Stats(agent_stats);
        agents_.push_back(agent);
      } else {
        if (spec.keeps_stats) object->stats = Stats(object_stats);
        stats_.add(config.game_ids.object_count[spec_index], 1);
      }
      objects_.push_back(std::move(object));
    }
  }
  object_ptrs_.clear();
  object_ptrs_.reserve(objects_.size());
  for (const auto& object : objects_) object_ptrs_.push_back(object.get());
}

void Game::build_static_tokens() {
  // Token cache for object-layer objects whose tokens never change: one code per config entry.
  const std::size_t num_specs = config_->objects.size();
  static_tokens_.assign(1, StaticTokens{});
  static_code_.assign(objects_.size(), 0);
  fixed_.assign(objects_.size(), 0);
  std::vector<std::uint8_t> code_of_spec(num_specs, 0);
  std::vector<bool> spec_seen(num_specs, false);
  for (std::size_t i = 1; i < objects_.size(); ++i) {
    const GridObject& object = *objects_[i];
    if (object.layer() != Layer::Object) continue;
    const std::uint16_t spec = object.spec_index();
    if (!spec_seen[spec]) {
      spec_seen[spec] = true;
      StaticTokens tokens;
      if (static_tokens_.size() < 256 && object.static_tokens(tokens) && tokens.count > 0 &&
          tokens.count <= StaticTokens::kMax) {
        code_of_spec[spec] = static_cast<std::uint8_t>(static_tokens_.size());
        static_tokens_.push_back(tokens);
      }
    }
    static_code_[i] = code_of_spec[spec];
    grid_.set_static_code(object.loc, static_code_[i]);
    // Object-layer objects the swap action cannot move never move (the observation scan caches
    // them per window; the grid notices if one is lifted anyway).
    fixed_[i] = object.swappable() ? 0 : 1;
    grid_.set_fixed(object.loc, fixed_[i] != 0);
  }
}

void Game::reset(std::uint64_t seed, const GameIO& io) {
  config_ = next_config_;
  map_ = next_map_;
  grid_hash_ = next_grid_hash_;
  rng_.reseed(seed);
  episode_seed_ = seed;
  current_step_ = 0;
  build_objects();
  for (GridObject* object : object_ptrs_) {
    if (object != nullptr) object->on_attach(*this);
  }
  for (Agent* agent : agents_) agent->step_reward = 0.0f;
  write_observations(io.observations);
  if (io.rewards != nullptr) {
    std::fill(io.rewards, io.rewards + num_agents_, 0.0f);
    std::fill(io.terminals, io.terminals + num_agents_, false);
    std::fill(io.truncations, io.truncations + num_agents_, false);
  }
}

void Game::step(const GameIO& io) {
  begin_step();
  process_events();
  shuffle_agent_order();
  run_actions(io.actions);
  share_group_rewards();
  write_rewards(io.rewards);
  write_observations(io.observations);
  write_episode_end(io.terminals, io.truncations);
}

void Game::begin_step() {
  ++current_step_;
  for (Agent* agent : agents_) agent->step_reward = 0.0f;
  std::fill(action_success_.begin(), action_success_.end(), 0);
}

void Game::process_events() {
  Event event;
  while (events_.pop_due(current_step_, event)) {
    object_ptrs_[event.object]->on_event(*this, event.type);
  }
}

void Game::shuffle_agent_order() {
  for (std::uint32_t i = 0; i < order_.size(); ++i) order_[i] = i;
  rng_.shuffle(std::span<std::uint32_t>(order_));
}

void Game::run_actions(const std::int32_t* actions) {
  const auto& handlers = config_->actions;
  const auto num_handlers = static_cast<std::int32_t>(handlers.size());
  const AgentStatIds& ids = config_->context.agent_ids;
  for (int priority = max_priority_; priority >= 0; --priority) {
    for (const std::uint32_t index : order_) {
      Agent& agent = *agents_[index];
      const std::int32_t type = actions[2 * std::size_t{index}];
      const std::int32_t arg = actions[2 * std::size_t{index} + 1];
      const bool valid_type = type >= 0 && type < num_handlers;
      const int action_priority =
          valid_type ? handlers[static_cast<std::size_t>(type)]->priority() : 0;
      if (action_priority != priority) continue;
      agent.last_action = static_cast<std::uint8_t>(type);
      agent.last_action_arg = static_cast<std::uint8_t>(arg);
      if (!valid_type) {
        agent.stats.add(ids.invalid_type, 1);
        agent.penalize();
        continue;
      }
      const ActionHandler& handler = *handlers[static_cast<std::size_t>(type)];
      if (arg < 0 || arg > handler.max_arg()) {
        agent.stats.add(ids.invalid_arg, 1);
        agent.penalize();
        continue;
      }
      action_success_[index] = handler.execute(*this, agent, arg) ? 1 : 0;
    }
  }
}

void Game::share_group_rewards() {
  bool any_share = false;
  std::fill(group_pool_.begin(), group_pool_.end(), 0.0f);
  const auto& groups = config_->context.groups;
  for (Agent* agent : agents_) {
    const std::size_t slot = agent->config().group_slot;
    const float share_pct = groups[slot].reward_share;
    if (agent->step_reward != 0.0f && share_pct != 0.0f) {
      const float share = agent->step_reward * share_pct;
      agent->step_reward -= share;
      group_pool_[slot] += share / static_cast<float>(group_size_[slot]);
      any_share = true;
    }
  }
  if (!any_share) return;
  for (Agent* agent : agents_) agent->step_reward += group_pool_[agent->config().group_slot];
}

void Game::write_rewards(float* rewards) {
  for (std::size_t i = 0; i < agents_.size(); ++i) {
    rewards[i] = agents_[i]->step_reward;
    episode_rewards_[i] += agents_[i]->step_reward;
  }
}

void Game::write_observations(std::uint8_t* observations) {
  const CompiledConfig& config = *config_;
  const std::size_t stride = config.observation_bytes();
  GlobalTokens globals;
  if (config.max_steps > 0) {
    const double fraction = std::min(1.0, static_cast<double>(current_step_) / config.max_steps);
    globals.episode_completion = static_cast<std::uint8_t>(std::lround(fraction * 255.0));
  }
  std::uint64_t written = 0;
  std::uint64_t dropped = 0;
  const GridObject* const* objects = object_ptrs_.data();
  for (std::size_t i = 0; i < agents_.size(); ++i) {
    const Agent& agent = *agents_[i];
    globals.last_action = agent.last_action;
    globals.last_action_arg = agent.last_action_arg;
    const float scaled = std::round(agent.step_reward * 100.0f);
    globals.last_reward = static_cast<std::uint8_t>(std::clamp(scaled, 0.0f, 255.0f));
    globals.visits = agent.config().observe_visits ? visit_plane(agent) : nullptr;
    globals.visits_radius = agent.config().visits_radius;
    const EncodeResult result = encoder_.encode(grid_, objects, static_tokens_.data(), agent.loc,
                                                globals, observations + i * stride);
    written += result.written;
    dropped += result.dropped;
  }
  const GameStatIds& ids = config.game_ids;
  stats_.add(ids.tokens_written, static_cast<double>(written));
  stats_.add(ids.tokens_dropped, static_cast<double>(dropped));
  stats_.add(
      ids.tokens_free_space,
      static_cast<double>(agents_.size() * static_cast<std::size_t>(config.num_tokens) - written));
}

void Game::write_episode_end(bool* terminals, bool* truncations) const {
  const bool truncated = episode_over();
  for (std::size_t i = 0; i < agents_.size(); ++i) {
    terminals[i] = false;
    truncations[i] = truncated;
  }
}

void Game::summarize_episode() {
  last_episode_.config = config_;
  last_episode_.grid_hash = grid_hash_;
  last_episode_.seed = episode_seed_;
  last_episode_.map_height = map_->height;
  last_episode_.map_width = map_->width;
  last_episode_.steps = current_step_;
  last_episode_.rewards = episode_rewards_;
  last_episode_.game_stats = stats_.values();
  last_episode_.agent_stats.resize(agents_.size());
  for (std::size_t i = 0; i < agents_.size(); ++i)
    last_episode_.agent_stats[i] = agents_[i]->stats.values();
}

Agent* Game::agent_at(Location loc) const {
  const ObjectIndex id = grid_.at(loc, Layer::Agent);
  return id == 0 ? nullptr : static_cast<Agent*>(object_ptrs_[id]);
}

GridObject* Game::object_at(Location loc, Layer layer) const {
  const ObjectIndex id = grid_.at(loc, layer);
  return id == 0 ? nullptr : object_ptrs_[id];
}

void Game::place(GridObject& object, Location loc) {
  object.loc = loc;
  grid_.set(loc, object.layer(), object.id);
  if (object.layer() == Layer::Object) {
    grid_.set_static_code(loc, static_code_[object.id]);
    grid_.set_fixed(loc, fixed_[object.id] != 0);
  }
  if (object.kind() == kinds::kAgent) {
    auto& agent = static_cast<Agent&>(object);
    if (visit(agent)) agent.step_reward += agent.config().exploration_reward;
  }
}

bool Game::visit(const Agent& agent) {
  if (visits_.empty()) return false;
  const std::size_t cells = static_cast<std::size_t>(grid_.height()) * grid_.width();
  std::uint8_t& count =
      visits_[agent.agent_index * cells + static_cast<std::size_t>(agent.loc.r) * grid_.width() +
              agent.loc.c];
  const bool first = count == 0;
  if (count < 255) ++count;
  return first;
}

const std::uint8_t* Game::visit_plane(const Agent& agent) const {
  if (visits_.empty()) return nullptr;
  const std::size_t cells = static_cast<std::size_t>(grid_.height()) * grid_.width();
  return visits_.data() + agent.agent_index * cells;
}

void Game::lift(const GridObject& object) {
  grid_.set(object.loc, object.layer(), 0);
  if (object.layer() == Layer::Object) {
    grid_.set_static_code(object.loc, 0);
    grid_.set_fixed(object.loc, false);
  }
}

bool Game::move(GridObject& object, Location to) {
  if (!grid_.in_bounds(to) || grid_.at(to, object.layer()) != 0) return false;
  lift(object);
  place(object, to);
  return true;
}

void Game::swap(GridObject& a, GridObject& b) {
  const Location a_loc = a.loc;
  const Location b_loc = b.loc;
  lift(a);
  lift(b);
  place(a, b_loc);
  place(b, a_loc);
}

void Game::schedule(ObjectIndex object, std::uint8_t type, std::uint32_t delay) {
  events_.schedule(current_step_ + delay, object, type);
}

}  // namespace metta::engine
