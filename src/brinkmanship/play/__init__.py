"""Playing a seat at a terminal: ``brink play SCENARIO --as ACTOR``.

:func:`~brinkmanship.play.terminal.play_at_terminal` runs the loop; the screen, the
prompt and the debrief live in their own modules. Nothing here simulates: the game is a
:class:`~brinkmanship.engine.game.Game` and the screen draws its seat's view.
"""
