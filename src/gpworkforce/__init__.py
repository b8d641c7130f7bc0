"""gpworkforce: plan, track and fund the general practice workforce of an NHS integrated care system."""

__version__ = "0.1.0"
