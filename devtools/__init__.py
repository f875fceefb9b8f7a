"""Tools beside the portal: demo data, synthetic data at scale and the benchmark.

They depend on the apps (portal, collaboration, surveys, meetings); no app imports them.
"""
