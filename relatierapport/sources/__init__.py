"""What several source readers share: tabular parsing, vocabulary, identity merging."""
