// bench_engine: steps the engine on an ASCII map with the reference's default rules and random
// valid actions, with no Python, and prints agent-steps/s as one JSON line, with the number of heap
// allocations made during the timed steps (0 without resets: the hot path allocates nothing).
// Usage: bench_engine MAP.txt [num_envs=1] [threads=1] [steps=20000] [max_steps=0]
// With METTA_BENCH_HASH=N in the environment it also steps N more times after the timed run and
// prints an FNV-1a hash of every observation, reward and truncation, to compare engine builds.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "engine/batch.hpp"

using metta::engine::Params;

namespace {
std::atomic<std::size_t> g_allocations{0};
}  // namespace

// Counting allocator for the whole program (only this driver replaces it). Kept out of line: once
// inlined, GCC 12 (with -fsanitize=address) sees operator new's memory reach free() and warns
// -Wmismatched-new-delete, although this pair is matched.
[[gnu::noinline]] void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* memory = std::malloc(size == 0 ? 1 : size)) return memory;
  throw std::bad_alloc();
}
[[gnu::noinline]] void operator delete(void* memory) noexcept { std::free(memory); }
[[gnu::noinline]] void operator delete(void* memory, std::size_t /*size*/) noexcept { std::free(memory); }

namespace {

// An item table {item name: value}, as the engine reads it.
Params table(const std::map<std::string, double>& values) {
  Params::Dict out;
  for (const auto& [item, value] : values) out.emplace_back(item, value);
  return Params(std::move(out));
}

Params action(const std::string& name, const std::map<std::string, double>& consumed = {},
              const std::map<std::string, double>& defense = {}) {
  Params p;
  p.set("name", name);
  p.set("required_resources", table(consumed));
  p.set("consumed_resources", table(consumed));
  if (!defense.empty()) p.set("defense_resources", table(defense));
  return p;
}

Params converter(const std::string& name, int type_id,
                 const std::map<std::string, double>& in, const std::map<std::string, double>& out,
                 int cooldown, int color = 0) {
  Params params;
  params.set("type_id", type_id);
  params.set("input_resources", table(in));
  params.set("output_resources", table(out));
  params.set("max_output", 5);
  params.set("conversion_ticks", 1);
  params.set("cooldown", cooldown);
  params.set("initial_items", 0);
  params.set("color", color);
  Params p;
  p.set("name", name);
  p.set("kind", "converter");
  p.set("params", std::move(params));
  return p;
}

// The reference's default game (the Python GameConfig() defaults).
Params default_game(std::uint32_t max_steps) {
  const std::vector<std::string> items = {"ore_red", "ore_blue", "ore_green", "battery_red", "battery_blue",
                                          "battery_green", "heart", "armor", "laser", "blueprint"};
  Params game;
  Params::List names;
  for (const auto& item : items) names.emplace_back(item);
  game.set("inventory_item_names", names);
  game.set("max_steps", static_cast<std::int64_t>(max_steps));
  game.set("obs_width", 11);
  game.set("obs_height", 11);
  game.set("num_observation_tokens", 200);
  Params::List actions = {action("noop"),
                          action("move"),
                          action("rotate"),
                          action("put_recipe_items"),
                          action("get_output"),
                          action("attack", {{"laser", 1}}, {{"armor", 1}}),
                          action("attack_nearest", {{"laser", 1}}, {{"armor", 1}}),
                          action("swap"),
                          action("change_color")};
  game.set("actions", actions);
  Params agent_params;
  agent_params.set("group_id", 0);
  agent_params.set("group_name", "agent");
  agent_params.set("group_reward_pct", 0.0);
  agent_params.set("freeze_duration", 10);
  agent_params.set("action_failure_penalty", 0.0);
  agent_params.set("default_item_max", 50);
  agent_params.set("item_max", table({{"heart", 255}}));
  agent_params.set("rewards", table({{"heart", 1.0}}));
  Params agent;
  agent.set("name", "agent.agent");
  agent.set("kind", "agent");
  agent.set("params", agent_params);
  Params wall_params;
  wall_params.set("type_id", 1);
  Params wall;
  wall.set("name", "wall");
  wall.set("kind", "wall");
  wall.set("params", wall_params);
  Params block_params;
  block_params.set("type_id", 14);
  block_params.set("swappable", 1);
  Params block;
  block.set("name", "block");
  block.set("kind", "wall");
  block.set("params", block_params);
  Params::List objects = {
      agent, wall, block,
      converter("mine_red", 2, {}, {{"ore_red", 1}}, 50, 0),
      converter("mine_blue", 3, {}, {{"ore_blue", 1}}, 50, 1),
      converter("mine_green", 4, {}, {{"ore_green", 1}}, 50, 2),
      converter("generator_red", 5, {{"ore_red", 1}}, {{"battery_red", 1}}, 25, 0),
      converter("generator_blue", 6, {{"ore_blue", 1}}, {{"battery_blue", 1}}, 25, 1),
      converter("generator_green", 7, {{"ore_green", 1}}, {{"battery_green", 1}}, 25, 2),
      converter("altar", 8, {{"battery_red", 3}}, {{"heart", 1}}, 10),
      converter("armory", 9, {{"ore_red", 3}}, {{"armor", 1}}, 10),
      converter("lasery", 10, {{"ore_red", 1}, {"battery_red", 2}}, {{"laser", 1}}, 10),
      converter("lab", 11, {{"ore_red", 3}, {"battery_red", 3}}, {{"blueprint", 1}}, 5),
      converter("factory", 12, {{"blueprint", 1}, {"ore_red", 5}, {"battery_red", 5}},
                {{"armor", 5}, {"laser", 5}}, 5),
      converter("temple", 13, {{"heart", 1}, {"blueprint", 1}}, {{"heart", 5}}, 5)};
  game.set("objects", objects);
  return game;
}

std::shared_ptr<metta::engine::MapData> load_map(const std::string& path,
                                                 const metta::engine::CompiledConfig& config) {
  const std::map<char, std::string> chars = {
      {'#', "wall"},         {'W', "wall"},          {'s', "block"},       {'@', "agent.agent"},
      {'A', "agent.agent"},  {'m', "mine_red"},      {'r', "mine_red"},    {'b', "mine_blue"},
      {'g', "mine_green"},   {'n', "generator_red"}, {'R', "generator_red"}, {'B', "generator_blue"},
      {'G', "generator_green"}, {'_', "altar"},      {'a', "altar"},       {'o', "armory"},
      {'S', "lasery"},       {'L', "lab"},           {'F', "factory"},     {'T', "temple"}};
  std::ifstream file(path);
  if (!file) throw std::runtime_error("cannot open map " + path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(file, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  auto map = std::make_shared<metta::engine::MapData>();
  map->height = static_cast<int>(lines.size());
  map->width = lines.empty() ? 0 : static_cast<int>(lines[0].size());
  for (const auto& line : lines) {
    for (const char ch : line) {
      if (ch == '.' || ch == ' ') {
        map->cells.push_back(0);
        continue;
      }
      const auto it = chars.find(ch);
      if (it == chars.end()) throw std::runtime_error(std::string("unknown map character ") + ch);
      map->cells.push_back(static_cast<std::uint16_t>(config.find_object(it->second) + 1));
    }
  }
  return map;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: bench_engine MAP.txt [num_envs=1] [threads=1] [steps=20000] [max_steps=0]\n";
    return 2;
  }
  const std::string map_path = argv[1];
  const std::size_t num_envs = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 1;
  const unsigned threads = argc > 3 ? static_cast<unsigned>(std::strtoul(argv[3], nullptr, 10)) : 1;
  const std::size_t steps = argc > 4 ? std::strtoul(argv[4], nullptr, 10) : 20000;
  const auto max_steps = static_cast<std::uint32_t>(argc > 5 ? std::strtoul(argv[5], nullptr, 10) : 0);
  try {
    const auto config = metta::engine::CompiledConfig::compile(default_game(max_steps));
    const auto map = load_map(map_path, *config);
    std::vector<metta::engine::GameSetup> setups(num_envs, metta::engine::GameSetup{config, map});
    metta::engine::Batch batch(setups, threads, /*autoreset=*/true);
    const std::size_t agents = batch.total_agents();
    // Random valid actions, generated before the clock starts.
    constexpr std::size_t kActionSets = 1024;
    std::vector<std::int32_t> actions(kActionSets * agents * 2);
    metta::engine::Rng rng(1234);
    for (std::size_t i = 0; i < kActionSets * agents; ++i) {
      const auto type = rng.below(static_cast<std::uint32_t>(config->actions.size()));
      actions[2 * i] = static_cast<std::int32_t>(type);
      actions[2 * i + 1] = static_cast<std::int32_t>(
          rng.below(static_cast<std::uint32_t>(config->actions[type]->max_arg() + 1)));
    }
    batch.reset(0);
    for (std::size_t i = 0; i < 500; ++i) batch.step(actions.data() + (i % kActionSets) * agents * 2);
    const std::size_t allocations_before = g_allocations.load();
    const auto start = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < steps; ++i) batch.step(actions.data() + (i % kActionSets) * agents * 2);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const std::size_t allocations = g_allocations.load() - allocations_before;
    if (const char* hash_steps = std::getenv("METTA_BENCH_HASH")) {
      const std::size_t n = std::strtoul(hash_steps, nullptr, 10);
      const std::size_t obs_bytes = agents * batch.observation_bytes_per_agent();
      std::uint64_t hash = 1469598103934665603ULL;
      const auto mix = [&hash](const void* data, std::size_t size) {
        const auto* bytes = static_cast<const unsigned char*>(data);
        for (std::size_t i = 0; i < size; ++i) hash = (hash ^ bytes[i]) * 1099511628211ULL;
      };
      for (std::size_t i = 0; i < n; ++i) {
        batch.step(actions.data() + ((steps + i) % kActionSets) * agents * 2);
        const metta::engine::BatchBuffers& out = batch.buffers();
        mix(out.observations, obs_bytes);
        mix(out.rewards, agents * sizeof(float));
        mix(out.truncations, agents * sizeof(bool));
      }
      std::printf("{\"hash_steps\": %zu, \"hash\": \"%016llx\"}\n", n, static_cast<unsigned long long>(hash));
    }
    std::printf(
        "{\"benchmark\": \"bench_engine\", \"config\": {\"map\": \"%s\", \"agents_per_env\": %zu, \"envs\": %zu, "
        "\"threads\": %u, \"max_steps\": %u}, \"agent_steps_per_s\": %.0f, \"heap_allocations\": %zu}\n",
        map_path.c_str(), batch.agents_per_game(), num_envs, batch.num_threads(), max_steps,
        static_cast<double>(steps * agents) / seconds, allocations);
  } catch (const std::exception& error) {
    std::cerr << "bench_engine: " << error.what() << "\n";
    return 1;
  }
  return 0;
}
