"""Furniture shared by every lesson: titles, readouts and layout helpers."""
