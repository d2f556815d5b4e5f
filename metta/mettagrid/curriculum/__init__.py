"""Curricula: which env config each episode plays, learned from episode scores.

``get_task() -> Task``; at episode end ``task.complete(score)`` (or
``curriculum.complete_task(task.id, score)``); ``get_task_probs()``, ``completion_rates()`` and
``stats()`` feed the env's infos. Every curriculum owns a seeded numpy Generator.
"""

from metta.mettagrid.curriculum.bucketed import (
    Bucket,
    BucketedCurriculum,
    SampledTaskCurriculum,
    expand_buckets,
)
from metta.mettagrid.curriculum.config_paths import get_path, set_paths
from metta.mettagrid.curriculum.curriculum import (
    Curriculum,
    LeafCurriculum,
    SingleTaskCurriculum,
)
from metta.mettagrid.curriculum.learning_progress import LearningProgressCurriculum
from metta.mettagrid.curriculum.multi_task import MultiTaskCurriculum, RandomCurriculum
from metta.mettagrid.curriculum.navigation import (
    navigation_bucketed_curriculum,
    navigation_bucketed_parts,
    navigation_map_config,
)
from metta.mettagrid.curriculum.prioritize_regressed import (
    LowRewardCurriculum,
    PrioritizeRegressedCurriculum,
)
from metta.mettagrid.curriculum.progressive import (
    ProgressiveCurriculum,
    ProgressiveMultiTaskCurriculum,
)
from metta.mettagrid.curriculum.task import Task

__all__ = [
    "Bucket",
    "BucketedCurriculum",
    "Curriculum",
    "LeafCurriculum",
    "LearningProgressCurriculum",
    "LowRewardCurriculum",
    "MultiTaskCurriculum",
    "PrioritizeRegressedCurriculum",
    "ProgressiveCurriculum",
    "ProgressiveMultiTaskCurriculum",
    "RandomCurriculum",
    "SampledTaskCurriculum",
    "SingleTaskCurriculum",
    "Task",
    "expand_buckets",
    "get_path",
    "navigation_bucketed_curriculum",
    "navigation_bucketed_parts",
    "navigation_map_config",
    "set_paths",
]
