"""The dashboard: the same pages served live (`niche serve`) or written as a static report."""
