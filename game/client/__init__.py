"""The pygame-ce desktop client: a canvas of tiles, a sidebar of discoveries, saving as you go.

Only :mod:`game.client.app`, :mod:`~game.client.render`, :mod:`~game.client.modes`,
:mod:`~game.client.intents` and :mod:`~game.client.sound` import pygame; the board, the
sidebar's list model, the geometry, the preferences and the session are plain Python.
"""
