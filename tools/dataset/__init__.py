"""The dataset layer: the contract's tables, loaded, validated and typed."""

from stockwise.tools.dataset.frames import dataset_from_frames
from stockwise.tools.dataset.model import Dataset

__all__ = ["Dataset", "dataset_from_frames"]
