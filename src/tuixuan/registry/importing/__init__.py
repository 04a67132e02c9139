"""Reading, checking and writing the registry files users bring (.xlsx and .csv).

Files are processed column by column: every distinct value of a column is normalised and
checked once and the result mapped back onto the rows, because registries repeat the same
organisation, dates and labels hundreds of thousands of times and a per-row loop in Python
would not reach the speed the bare database driver sets as the yardstick.
"""
