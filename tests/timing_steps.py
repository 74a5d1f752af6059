"""Comparing response times on a machine other processes share."""

from __future__ import annotations

import statistics


def median_error(samples) -> float:
    """The standard error of the median, from the median absolute deviation
    (robust to the outliers a busy CPU adds): 1.2533 x 1.4826 x MAD / sqrt(n)."""
    median = statistics.median(samples)
    mad = statistics.median(abs(x - median) for x in samples)
    return 1.2533 * 1.4826 * mad / len(samples) ** 0.5
