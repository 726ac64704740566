"""The checks, one module per topic. Each check is a function decorated with ``@check("exercise-id")``.

These modules import NumPy and the engine; only the grading worker imports them.
"""
