"""Explaining events: extractive summaries with citations (`summaries`)."""
