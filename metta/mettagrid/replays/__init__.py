"""Episode replays: a compact JSON format (docs/replay_format.md) and a self-contained viewer."""

from metta.mettagrid.replays.recorder import EpisodeReplay, load_replay, value_at
from metta.mettagrid.replays.viewer import write_replay_html

__all__ = ["EpisodeReplay", "load_replay", "value_at", "write_replay_html"]
