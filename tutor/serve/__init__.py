"""``nntutor serve``: the tutor in the browser for a class, through ``textual-serve`` (an optional extra).

``server.py`` is the web server (one app process per browser tab, at most ``--max-learners`` at once);
``session.py`` is the command each tab runs: the tutor with a class folder, which asks the learner's
name first. Nothing here is imported by the app or the other commands.
"""
