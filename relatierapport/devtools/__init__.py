"""Tools for the project's own tests and scripts: not used by a build."""
