"""Skill mix in the web (issue 16): the skill-mix view of a practice, PCN, sub-ICB or ICB, the
cheapest mix of levers run on the task queue, and its adoption as a scenario."""
