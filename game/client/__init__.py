"""The pygame-ce desktop client: a canvas of tiles, a sidebar of discoveries, saving as you go.

``play`` opens a world and a window and runs the frame loop; ``app`` is the window (the only
``pygame.event.get()``), ``modes`` turn events into the intents of ``intents``, ``render``,
``panels`` and ``theme`` draw, ``sound`` plays. The board, the sidebar's list model, the
geometry, the picker, the preferences and the ``session`` (combining on a worker thread,
saving; its resume rules are the engine's ``runs.resume``) are plain Python. It may import
the engine and ``game.paths``; nothing in the engine imports it.
"""
