"""Built-in analyses: each reads the model and other analyses' findings, and returns its own."""
