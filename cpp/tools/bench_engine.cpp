// bench_engine: steps the engine on an ASCII map with the default game and random valid actions,
// with no Python, and prints agent-steps/s as one JSON line, with the number of heap allocations
// made during the timed steps (0 without resets: the hot path allocates nothing).
// Usage: bench_engine MAP.txt [num_envs=1] [threads=1] [steps=20000] [max_steps=0]
// The game and the map characters come from cpp/tools/default_game.json, which Python writes
// (cpp/tools/write_default_game.py); METTA_BENCH_GAME=FILE reads another file of that shape.
// With METTA_BENCH_HASH=N in the environment it also steps N more times after the timed run and
// prints an FNV-1a hash of every observation, reward and truncation, to compare engine builds.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "engine/batch.hpp"
#include "json_params.hpp"

using metta::engine::Params;

namespace {
std::atomic<std::size_t> g_allocations{0};
}  // namespace

// Counting allocator for the whole program (only this driver replaces it). Kept out of line: once
// inlined, GCC 12 (with -fsanitize=address) sees operator new's memory reach free() and warns
// -Wmismatched-new-delete, although this pair is matched. A replacement operator new/delete is
// where malloc/free belong, hence the NOLINTs.
[[gnu::noinline]] void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  // NOLINTNEXTLINE(cppcoreguidelines-no-malloc,cppcoreguidelines-owning-memory)
  if (void* memory = std::malloc(size == 0 ? 1 : size)) return memory;
  throw std::bad_alloc();
}
[[gnu::noinline]] void operator delete(void* memory) noexcept {
  std::free(memory);  // NOLINT(cppcoreguidelines-no-malloc,cppcoreguidelines-owning-memory)
}
[[gnu::noinline]] void operator delete(void* memory, std::size_t /*size*/) noexcept {
  std::free(memory);  // NOLINT(cppcoreguidelines-no-malloc,cppcoreguidelines-owning-memory)
}

namespace {

using metta::engine::Batch;
using metta::engine::CompiledConfig;

constexpr std::size_t kActionSets = 1024;

struct Options {
  std::string map_path;
  std::size_t num_envs = 1;
  unsigned threads = 1;
  std::size_t steps = 20000;
  std::uint32_t max_steps = 0;
};

Options parse_options(int argc, char** argv) {
  Options options;
  options.map_path = argv[1];
  if (argc > 2) options.num_envs = std::strtoul(argv[2], nullptr, 10);
  if (argc > 3) options.threads = static_cast<unsigned>(std::strtoul(argv[3], nullptr, 10));
  if (argc > 4) options.steps = std::strtoul(argv[4], nullptr, 10);
  if (argc > 5) options.max_steps = static_cast<std::uint32_t>(std::strtoul(argv[5], nullptr, 10));
  return options;
}

std::string read_file(const std::string& path, const char* what) {
  std::ifstream file(path);
  if (!file) throw std::runtime_error(std::string("cannot open ") + what + " " + path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// The default game document: {"game": engine params, "map_chars": {char: object name}}.
Params load_game_document() {
  const char* override_path = std::getenv("METTA_BENCH_GAME");
  const std::string path = override_path != nullptr ? override_path : METTA_DEFAULT_GAME_JSON;
  return metta::tools::JsonReader(read_file(path, "game file")).parse();
}

std::shared_ptr<metta::engine::MapData> load_map(const std::string& path,
                                                 const CompiledConfig& config,
                                                 const Params& map_chars) {
  std::vector<std::string> lines;
  std::stringstream text(read_file(path, "map"));
  for (std::string line; std::getline(text, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  auto map = std::make_shared<metta::engine::MapData>();
  map->height = static_cast<int>(lines.size());
  map->width = lines.empty() ? 0 : static_cast<int>(lines[0].size());
  for (const auto& line : lines) {
    for (const char ch : line) {
      const Params* name = map_chars.find(std::string_view(&ch, 1));
      if (name == nullptr) throw std::runtime_error(std::string("unknown map character ") + ch);
      const int index = config.find_object(name->as_string("map_chars"));
      const bool empty =
          index < 0 && name->as_string("map_chars") == metta::engine::kEmptyCellNames[0];
      if (index < 0 && !empty) {
        throw std::runtime_error("map character " + std::string(1, ch) + " names '" +
                                 name->as_string("map_chars") + "', not an object of the game");
      }
      map->cells.push_back(static_cast<std::uint16_t>(index + 1));
    }
  }
  return map;
}

// Random valid (type, arg) pairs for kActionSets steps, generated before the clock starts.
std::vector<std::int32_t> random_actions(const CompiledConfig& config, std::size_t agents) {
  std::vector<std::int32_t> actions(kActionSets * agents * 2);
  metta::engine::Rng rng(1234);
  for (std::size_t i = 0; i < kActionSets * agents; ++i) {
    const auto type = rng.below(static_cast<std::uint32_t>(config.actions.size()));
    actions[2 * i] = static_cast<std::int32_t>(type);
    actions[2 * i + 1] = static_cast<std::int32_t>(
        rng.below(static_cast<std::uint32_t>(config.actions[type]->max_arg() + 1)));
  }
  return actions;
}

// Steps `n` more times and returns an FNV-1a hash of every observation, reward and truncation.
std::uint64_t output_hash(Batch& batch, const std::vector<std::int32_t>& actions,
                          std::size_t first_set, std::size_t n) {
  const std::size_t agents = batch.total_agents();
  const std::size_t obs_bytes = agents * batch.observation_bytes_per_agent();
  std::uint64_t hash = 1469598103934665603ULL;
  const auto mix = [&hash](const void* data, std::size_t size) {
    const auto* bytes = static_cast<const unsigned char*>(data);
    for (std::size_t i = 0; i < size; ++i) hash = (hash ^ bytes[i]) * 1099511628211ULL;
  };
  for (std::size_t i = 0; i < n; ++i) {
    batch.step(actions.data() + ((first_set + i) % kActionSets) * agents * 2);
    const metta::engine::BatchBuffers& out = batch.buffers();
    mix(out.observations, obs_bytes);
    mix(out.rewards, agents * sizeof(float));
    mix(out.truncations, agents * sizeof(bool));
  }
  return hash;
}

void run(const Options& options) {
  Params document = load_game_document();
  const Params* game = document.find("game");
  const Params* map_chars = document.find("map_chars");
  if (game == nullptr || map_chars == nullptr) {
    throw std::runtime_error("game file: expected the keys 'game' and 'map_chars'");
  }
  Params params = *game;
  params.set("max_steps", static_cast<std::int64_t>(options.max_steps));
  const auto config = CompiledConfig::compile(params);
  const auto map = load_map(options.map_path, *config, *map_chars);
  std::vector<metta::engine::GameSetup> setups(options.num_envs,
                                               metta::engine::GameSetup{config, map});
  Batch batch(setups, options.threads, /*autoreset=*/true);
  const std::size_t agents = batch.total_agents();
  const std::vector<std::int32_t> actions = random_actions(*config, agents);
  const auto step = [&](std::size_t i) {
    batch.step(actions.data() + (i % kActionSets) * agents * 2);
  };
  batch.reset(0);
  for (std::size_t i = 0; i < 500; ++i) step(i);
  const std::size_t allocations_before = g_allocations.load();
  const auto start = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < options.steps; ++i) step(i);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const std::size_t allocations = g_allocations.load() - allocations_before;
  if (const char* hash_steps = std::getenv("METTA_BENCH_HASH")) {
    const std::size_t n = std::strtoul(hash_steps, nullptr, 10);
    const std::uint64_t hash = output_hash(batch, actions, options.steps, n);
    std::printf("{\"hash_steps\": %zu, \"hash\": \"%016llx\"}\n", n,
                static_cast<unsigned long long>(hash));
  }
  std::printf(
      "{\"benchmark\": \"bench_engine\", \"config\": {\"map\": \"%s\", \"agents_per_env\": %zu, "
      "\"envs\": %zu, \"threads\": %u, \"max_steps\": %u}, \"agent_steps_per_s\": %.0f, "
      "\"heap_allocations\": %zu}\n",
      options.map_path.c_str(), batch.agents_per_env(), options.num_envs, batch.num_threads(),
      options.max_steps, static_cast<double>(options.steps * agents) / seconds, allocations);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: bench_engine MAP.txt [num_envs=1] [threads=1] [steps=20000] "
                 "[max_steps=0]\n";
    return 2;
  }
  try {
    run(parse_options(argc, argv));
  } catch (const std::exception& error) {
    std::cerr << "bench_engine: " << error.what() << "\n";
    return 1;
  }
  return 0;
}
