"""Everything one SQL dialect understands and the others do not, one module per dialect."""
