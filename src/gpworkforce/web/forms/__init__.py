"""Django forms (rendered with NHS.UK macros in the templates)."""
