"""Demo datasets: the ICS "LLR 2017" (real registry, synthetic returns) and the national view.

- :func:`build_llr_2017` -> :class:`DemoDataset` (in memory), :func:`write_llr_2017` (files)
- :func:`build_national` -> :class:`NationalDataset` (GPW 2023-2025, every practice in England)
- :mod:`gpworkforce.demo.paper`: the LLR plan's published tables and their discrepancies
- :mod:`gpworkforce.demo.check`: those tables recomputed from returns

See ``docs/demo.md``.
"""

from gpworkforce.demo.dataset import DataNote, DemoDataset, PublishedPopulation, build_llr_2017
from gpworkforce.demo.national import NationalDataset, build_national
from gpworkforce.demo.recipe import DEFAULT_SEED
from gpworkforce.demo.write import write_llr_2017

__all__ = [
    "DEFAULT_SEED",
    "DataNote",
    "DemoDataset",
    "NationalDataset",
    "PublishedPopulation",
    "build_llr_2017",
    "build_national",
    "write_llr_2017",
]
