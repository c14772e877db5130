"""Datasets: the ones a project uses directly, and the training data model cards name.

``card`` reads dataset references out of a model card's ``datasets:`` and
the licence fields out of a dataset card (pure); ``attach`` turns fetched
dataset records into ``TrainingData`` entries with their findings, and
concludes about a directly used dataset (pure, given the lookups). Fetching
is the scan's (``licscan.scan.Fetcher``), classifying the classifier's: a
dataset card is read with the same matcher chain and text path as a model's.
"""

from licscan.datasets.card import (
    MAX_TRAINING_DATASETS,
    DatasetClaim,
    dataset_licence_card,
    training_claims,
    trim_dataset_card,
)

__all__ = [
    "MAX_TRAINING_DATASETS",
    "DatasetClaim",
    "dataset_licence_card",
    "training_claims",
    "trim_dataset_card",
]
