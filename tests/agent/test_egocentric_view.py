"""EgocentricView turns the box to the agent's heading, and rotate args become relative turns."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from agent_fixtures import FakeEnv, small_agent_config

from metta.agent import make_policy
from metta.agent.action_space import CLOCKWISE_FROM_ORIENTATION, ActionSpace
from metta.agent.checkpoint import load_checkpoint, policy_from_checkpoint, save_checkpoint
from metta.agent.components import ForwardContext
from metta.agent.components.egocentric_view import EgocentricView
from metta.agent.policy_state import PolicyState

vec_env = pytest.importorskip("metta.mettagrid.vec_env")
builtin_envs = pytest.importorskip("metta.mettagrid.builtin_envs")
ascii_maps = pytest.importorskip("metta.mettagrid.maps.ascii")

UP, DOWN, LEFT, RIGHT = 0, 1, 2, 3
ROOM = "#######\n#.....#\n#..@_.#\n#.....#\n#######"  # the altar is east of the agent


def egocentric_config() -> dict:
    config = small_agent_config()
    config["components"]["egocentric"] = {"_target_": "EgocentricView", "sources": ["_obs_"]}
    config["components"]["obs_normalizer"]["sources"] = [{"name": "egocentric"}]
    return config


@pytest.fixture
def room():
    grid = ascii_maps.parse_ascii_map(ROOM)
    env = vec_env.MettaGridVecEnv(builtin_envs.navigation_game(1, 50), grid, num_envs=1)
    yield env
    env.close()


def _altar_offset(box: torch.Tensor, type_channel: int) -> tuple[int, int]:
    """(row, col) of the altar (type id 8) relative to the centre of a [F, S, S] box."""
    rows, cols = torch.nonzero(box[type_channel] == 8, as_tuple=True)
    assert len(rows) == 1
    centre = box.shape[-1] // 2
    return int(rows[0]) - centre, int(cols[0]) - centre


@pytest.mark.parametrize(
    ("orientation", "expected"),
    [(UP, (0, 1)), (RIGHT, (-1, 0)), (DOWN, (0, -1)), (LEFT, (1, 0))],
)
def test_the_view_turns_so_the_heading_points_up(room, orientation, expected) -> None:
    policy = make_policy(room, egocentric_config(), seed=0)
    obs, *_ = room.step(np.array([[2, orientation]], dtype=np.int32))  # rotate
    captured = {}
    policy.components["egocentric"].register_forward_hook(
        lambda module, args, output: captured.update(box=output[0])
    )
    with torch.no_grad():
        policy(torch.from_numpy(obs))
    type_channel = policy.original_feature_mapping["type_id"]
    # Facing the altar (east) puts it straight ahead (up); facing west puts it behind (down).
    assert _altar_offset(captured["box"], type_channel) == expected


def test_relative_turns_map_to_absolute_orientations_and_back() -> None:
    space = ActionSpace(["noop", "move", "rotate"], [0, 1, 3], torch.device("cpu"))
    rotate = space.offsets[2]
    for heading in range(4):
        for turn in range(4):
            index = torch.tensor([rotate + turn])
            action = space.to_action(index, torch.tensor([heading]))
            assert action[0, 0] == 2
            assert CLOCKWISE_FROM_ORIENTATION[int(action[0, 1])] == (heading + turn) % 4
            assert space.to_logit_index(action, torch.tensor([heading])).tolist() == [rotate + turn]
    # Other actions keep their args.
    move_back = space.to_action(torch.tensor([2]), torch.tensor([3]))
    assert move_back.tolist() == [[1, 1]]


def test_turning_right_then_taking_collects_the_heart(room) -> None:
    space = ActionSpace(room.action_names, room.max_action_args, torch.device("cpu"))
    heading_up = torch.tensor([CLOCKWISE_FROM_ORIENTATION[UP]])
    room.step(np.array([[2, UP]], dtype=np.int32))
    turn_right = space.to_action(torch.tensor([int(space.offsets[2]) + 1]), heading_up)
    assert turn_right.tolist() == [[2, RIGHT]]
    room.step(turn_right.numpy())
    _, rewards, *_ = room.step(np.array([[3, 0]], dtype=np.int32))  # get_output
    assert rewards.tolist() == [1.0]


def test_policy_evaluates_the_actions_it_sampled(room) -> None:
    policy = make_policy(room, egocentric_config(), seed=0)
    obs, _ = room.reset(seed=1)
    tokens = torch.from_numpy(obs)
    for orientation in range(4):
        obs, *_ = room.step(np.array([[2, orientation]], dtype=np.int32))
        tokens = torch.from_numpy(obs)
        with torch.no_grad():
            actions, logprob, *_ = policy(tokens)
            _, again, *_ = policy(tokens, action=actions)
        torch.testing.assert_close(logprob, again)


def test_needs_a_square_odd_window_and_the_orientation_feature() -> None:
    with pytest.raises(ValueError, match="square with an odd side"):
        make_policy(FakeEnv(obs_width=11, obs_height=9), egocentric_config())
    view = make_policy(FakeEnv(), egocentric_config()).components["egocentric"]
    with pytest.raises(ValueError, match="no 'agent:orientation' feature"):
        view.set_feature_ids({"type_id": 0})
    fresh = EgocentricView("egocentric", view.spec)
    fresh.setup([(22, 11, 11)], None)  # type: ignore[arg-type]
    context = ForwardContext(1, 1, PolicyState(), torch.zeros(1, 1, 3))
    with pytest.raises(RuntimeError, match="orientation feature is unknown"):
        fresh([torch.zeros(1, 22, 11, 11)], context)


def test_the_small_preset_survives_a_checkpoint_round_trip(room, tmp_path) -> None:
    policy = make_policy(room, "small", seed=0)
    loaded = policy_from_checkpoint(load_checkpoint(save_checkpoint(tmp_path / "s.pt", policy, {})))
    assert int(loaded.components["egocentric"].orientation_feature) == int(
        policy.components["egocentric"].orientation_feature
    )
    obs, *_ = room.step(np.array([[2, RIGHT]], dtype=np.int32))
    tokens = torch.from_numpy(obs)
    with torch.no_grad():
        actions, *_ = policy(tokens)
        mine = policy(tokens, action=actions)
        theirs = loaded(tokens, action=actions)
    for x, y in zip(mine[1:], theirs[1:], strict=True):
        torch.testing.assert_close(x, y)


def test_engine_order_puts_absolute_orientations_in_the_rotate_columns() -> None:
    space = ActionSpace(["noop", "move", "rotate"], [0, 1, 3], torch.device("cpu"))
    # Policy columns: noop_0, move_0, move_1, rotate_0..3 (turns: keep, right, about, left).
    log_probs = torch.tensor([[0.0, 1.0, 2.0, 10.0, 11.0, 12.0, 13.0]]).repeat(2, 1)
    facing_right = CLOCKWISE_FROM_ORIENTATION[RIGHT]
    ordered = space.engine_order(
        log_probs, torch.tensor([CLOCKWISE_FROM_ORIENTATION[UP], facing_right])
    )
    # Facing up, engine orientations up, down, left, right are turns keep, about, left, right.
    assert ordered[0].tolist() == [0.0, 1.0, 2.0, 10.0, 12.0, 13.0, 11.0]
    # Facing right: up is a left turn, down a right turn, left about, right keep.
    assert ordered[1].tolist() == [0.0, 1.0, 2.0, 13.0, 11.0, 12.0, 10.0]
    assert space.engine_order(log_probs, None) is log_probs


def test_forward_log_probs_are_in_engine_order(room) -> None:
    policy = make_policy(room, egocentric_config(), seed=0)
    obs, _ = room.reset(seed=1)
    obs, *_ = room.step(np.array([[2, RIGHT]], dtype=np.int32))
    with torch.no_grad():
        _, logprob, _, _, log_probs = policy(
            torch.from_numpy(obs), action=torch.tensor([[[2, DOWN]]])
        )
    space = ActionSpace(room.action_names, room.max_action_args, torch.device("cpu"))
    assert torch.allclose(logprob, log_probs[:, int(space.offsets[2]) + DOWN])


def test_disabled_actions_are_never_sampled_and_keep_losses_finite(room) -> None:
    config = egocentric_config()
    config["disabled_actions"] = ["move_1"]
    policy = make_policy(room, config, seed=0)
    space = policy.action_space
    assert space.full_action_names[int(space.disabled.nonzero())] == "move_1"
    obs, _ = room.reset(seed=1)
    tokens = torch.from_numpy(obs).repeat(2000, 1, 1)
    torch.manual_seed(0)
    actions, logprob, entropy, _, log_probs = policy(tokens)
    assert not ((actions[:, 0] == 1) & (actions[:, 1] == 1)).any()  # never walks backward
    assert ((actions[:, 0] == 1) & (actions[:, 1] == 0)).any()  # but does walk forward
    backward = room.action_names.index("move")
    assert torch.isinf(log_probs[:, int(space.offsets[backward]) + 1]).all()
    _, logprob, entropy, _, _ = policy(tokens[:8].unsqueeze(1), action=actions[:8].unsqueeze(1))
    (logprob.sum() + entropy.sum()).backward()
    assert torch.isfinite(entropy).all()
    assert torch.isfinite(logprob).all()
    assert all(torch.isfinite(p.grad).all() for p in policy.parameters() if p.grad is not None)


def test_disabled_actions_must_be_args_the_env_has(room) -> None:
    config = egocentric_config()
    config["disabled_actions"] = ["move_2"]
    with pytest.raises(ValueError, match=r"disabled_actions: \['move_2'\] are not actions"):
        make_policy(room, config, seed=0)
    # An action type the env lacks is moot: nothing is masked.
    space = ActionSpace(["noop", "get_output"], [0, 0], torch.device("cpu"), disabled=["move_1"])
    assert not space.has_disabled
    assert space.disabled.tolist() == [False, False]
    space_names = ActionSpace(["noop"], [0], torch.device("cpu")).full_action_names
    with pytest.raises(ValueError, match="leave the policy no action"):
        ActionSpace(["noop"], [0], torch.device("cpu"), disabled=space_names)


def test_the_small_preset_never_walks_backward_even_after_a_checkpoint(room, tmp_path) -> None:
    policy = make_policy(room, "small", seed=0)
    assert policy.agent_config.disabled_actions == ["move_1"]
    loaded = policy_from_checkpoint(load_checkpoint(save_checkpoint(tmp_path / "s.pt", policy, {})))
    assert loaded.agent_config.disabled_actions == ["move_1"]
    assert loaded.action_space.disabled.tolist() == policy.action_space.disabled.tolist()
