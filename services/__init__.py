"""What the API does beyond translating HTTP: answering (cache, admission, planner), writes (ingest, replay, review,
analyses) under one write lock, and the calculators. Above the planner and ingest, below ``api``; no HTTP here.
"""
