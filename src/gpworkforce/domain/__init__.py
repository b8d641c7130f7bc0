"""The typed, frozen, self-validating domain objects shared by every part of gpworkforce."""
