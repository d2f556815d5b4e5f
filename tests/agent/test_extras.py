"""Weight metrics, the DDP wrapper (gloo, one process) and CUDA parity when a GPU is present."""

from __future__ import annotations

import pytest
import torch
import torch.distributed as dist
from agent_fixtures import FakeEnv, random_tokens, small_agent_config

from metta.agent import PolicyState, make_policy
from metta.agent.checkpoint import load_checkpoint, policy_from_checkpoint, save_checkpoint
from metta.agent.distributed import DistributedMettaAgent
from metta.agent.weight_metrics import analyze_weights


def test_weight_metrics_on_a_hand_made_matrix() -> None:
    weight = torch.diag(torch.tensor([4.0, 3.0, 2.0, 1.0, 0.0, 0.0, 0.0]))
    metrics = analyze_weights(weight, delta=0.2)
    assert metrics["largest_sv"] == pytest.approx(4.0)
    assert metrics["mean_sv"] == pytest.approx(10.0 / 7)
    assert metrics["collapsed_dim_%"] == pytest.approx(3 / 7)
    assert metrics["sv_ratio"] == pytest.approx(4.0)
    assert metrics["effective_rank"] == 3  # 4 + 3 + 2 = 9 >= 0.8 * 10
    assert metrics["weight_norm"] == pytest.approx(30.0**0.5)


def test_compute_weight_metrics_covers_flagged_layers() -> None:
    config = small_agent_config()
    config["components"]["actor_1"]["effective_rank"] = True
    policy = make_policy(FakeEnv(), config, seed=0)
    metrics = policy.compute_weight_metrics()
    assert [m["name"] for m in metrics] == ["actor_1"]
    assert metrics[0]["effective_rank"] >= 1  # orthogonal init: full rank, near-equal SVs
    assert metrics[0]["largest_sv"] == pytest.approx(1.0, abs=1e-5)


def test_distributed_wrapper_forwards_the_agent_api(tmp_path, generator) -> None:
    if dist.is_initialized():
        pytest.skip("another test left a process group initialised")
    with pytest.raises(RuntimeError, match="not initialised"):
        DistributedMettaAgent(make_policy(FakeEnv(), small_agent_config(), seed=0), "cpu")
    dist.init_process_group("gloo", init_method=f"file://{tmp_path}/store", rank=0, world_size=1)
    try:
        agent = make_policy(FakeEnv(), small_agent_config(), seed=0)
        wrapped = DistributedMettaAgent(agent, "cpu")
        assert wrapped.hidden_size == 16
        assert wrapped.l2_init_loss().item() == 0.0
        obs = random_tokens(generator, 4)
        torch.manual_seed(1)
        expected = agent(obs, PolicyState())
        torch.manual_seed(1)
        got = wrapped(obs, PolicyState())
        assert torch.equal(expected[3], got[3])
        path = save_checkpoint(tmp_path / "ddp.pt", wrapped, {"epoch": 1})
        assert load_checkpoint(path)["metadata"]["epoch"] == 1
    finally:
        dist.destroy_process_group()


@pytest.mark.cuda
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_cuda_matches_cpu_and_round_trips(tmp_path, generator) -> None:
    cpu = make_policy(FakeEnv(), small_agent_config(), seed=0)
    gpu = make_policy(FakeEnv(), small_agent_config(), device="cuda", seed=0)
    obs = random_tokens(generator, 6 * 4).view(6, 4, 200, 3)
    action = torch.zeros(6, 4, 2, dtype=torch.int32)
    dones = torch.zeros(6, 4, dtype=torch.bool)
    dones[:, 2] = True
    expected = cpu(obs, PolicyState(), action=action, dones=dones)
    got = gpu(obs.cuda(), PolicyState(), action=action.cuda(), dones=dones.cuda())
    for x, y in zip(expected, got, strict=True):
        assert torch.allclose(x.float(), y.float().cpu(), atol=1e-4)
    state = PolicyState()
    actions, *_ = gpu(obs[:, 0].cuda(), state)
    assert actions.device.type == "cuda"
    assert state.lstm_h.device.type == "cuda"
    loaded = policy_from_checkpoint(load_checkpoint(save_checkpoint(tmp_path / "g.pt", gpu, {})))
    for (name, x), y in zip(gpu.state_dict().items(), loaded.state_dict().values(), strict=True):
        assert torch.equal(x.cpu(), y), name
