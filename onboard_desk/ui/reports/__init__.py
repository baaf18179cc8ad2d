"""The Reports screen: the pipeline report with its charts and exports.

``view`` is the screen (filters, the data it reports on, the summary and export buttons);
``state`` computes and exports off the GUI thread through the report services and keeps the
report on screen with what it was made on; ``sections`` are the tabs; ``model`` the table
model of one section; ``charts`` the funnel, durations and trend charts.
"""
