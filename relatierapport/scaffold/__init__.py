"""Files that ``relatierapport init`` copies into a new project (the example plugin)."""
