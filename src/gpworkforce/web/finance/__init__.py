"""The finance pages under ``/finance/``: allocations (LLR Table 17) per organisation and
financial year, editable and loadable from XLSX/CSV; the funding register; the cost of a
scenario (cash and real terms, P10/P50/P90); downloads. Computation is
:mod:`gpworkforce.finance`'s; this app stores what people edit and shows it."""
