"""Built-in source readers: CSV, xlsx, vCard and CRM exports into the model."""
