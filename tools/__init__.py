"""Pure statistics calculators for A/B testing; imports nothing else of expgraph."""
