"""Realistic sample data for trying the app, screenshots and benchmarks."""
