"""Committee papers from the web (``/papers/``): built in the task queue, downloaded when done."""
