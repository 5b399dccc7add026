"""Insights about people and places, built on the metric SQL: overload and disengagement signals,
their backtest, and the opportunities a newcomer could take up."""
