"""The office's processes: the rules a record follows as it moves, kept apart from screens.

placement_flow moves a placement along its steps; placement_rules holds the checks and the
SQL conditions lists filter on; calendar reads a round's windows; bank writes the units a
passed test earns. Nothing here reads a request or commits: the caller does.
"""
