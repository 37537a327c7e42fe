"""Built-in report sections: they show findings and compute nothing of their own."""
