"""Forecasting MRO demand: demand classes, statistical and maintenance-driven forecasts, and
the distribution of demand over a replenishment lead time."""
