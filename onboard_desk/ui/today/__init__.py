"""The Today screen: what is due, grouped, and marking it done."""
