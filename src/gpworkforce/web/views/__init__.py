"""Views: thin. They check access (``permissions.guard``), call the library and the action layer,
and render Jinja2 templates. They never save models themselves."""
