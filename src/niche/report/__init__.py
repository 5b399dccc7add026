"""Reports: the headline summary for the terminal and `--json`, later the HTML pages."""
