"""The Reports screen: the pipeline report with its charts and exports."""
