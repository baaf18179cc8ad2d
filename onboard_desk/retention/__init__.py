"""Keeping customers: purchases and their cadence, surveys and NPS, engagement, referrals."""
