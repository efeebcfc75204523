"""Text rules shared by the planner, training and evaluation, one copy each; imports nothing of ours.

- ``citations``: the ``[n]`` marker syntax (markers start at 1; ``[0, 1]`` is an interval, not a citation);
- ``sentences``: splitting an answer or a source into sentences;
- ``numbers``: reading numbers as written (``57,756``, ``5%``, ``1e-3``) and matching them to values;
- ``clipping``: cutting a text to a number of words at a sentence end;
- ``markdown``: Markdown to the plain text the model is shown;
- ``fragments``: the words that cannot end a sentence (the gate and the answer judge share them).

The rules are small regular expressions rather than a library (pysbd, markdown-it) on purpose: they are the rules the
planner has always served with, the fine-tuning set must reproduce them exactly, and a library's edge cases would
change both.
"""
