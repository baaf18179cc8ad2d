"""Keeping customers: purchases and their cadence, surveys and NPS, engagement, referrals.

A customer is a prospect in stage Won. This package holds the retention side of the
product below the window; nothing here imports Qt. Importing the package itself loads
nothing (the import's planning process uses :mod:`.codes` without a database), so import
the module you need.

Rules, plain Python (no database):

- :mod:`.cadence` -- purchase days, the median interval, the expected next purchase, the
  nudge at ``nudge_fraction`` of the interval, and the contact cap (:class:`Cadence`,
  :class:`NudgePlan`, :func:`cadence_from`, :func:`plan_nudge`, :func:`is_nudge`).
- :mod:`.nps` -- score categories and the NPS of a group (:class:`NpsSummary`,
  :func:`summarize`, :func:`check_score`).
- :mod:`.codes` -- referral codes: 8 characters without look-alikes, read leniently
  (:func:`new_code`, :func:`normalize_code`, :func:`display_code`).
- :mod:`.config` -- the settings (:class:`RetentionConfig`: nudge fraction, contact cap
  days, referral credit, friend's discount, "due soon" days), stored in the database
  (:func:`load_retention_config`, :func:`save_retention_config`).

Services: functions over a SQLModel ``Session`` with keyword arguments, which flush and
leave committing to the caller (``db.session_scope``), and return what undoes them:

- :mod:`.purchases` -- :func:`record_purchase` / :func:`undo_record`,
  :func:`delete_purchase` / :func:`restore_purchase` (each a :class:`PurchaseChange`: the
  purchase, the cadence after it, and what the nudge did to the next action),
  :func:`purchases_of`, :func:`cadence_of`, :func:`proposed_nudge` (what to offer as a
  customer's next action after a contact), :func:`contact_cap`, :func:`refresh_nudge`,
  :func:`refresh_nudges` (after the settings change), :func:`due_soon`.
- :mod:`.surveys` -- :func:`record_survey` / :func:`delete_survey` /
  :func:`restore_survey`, :func:`surveys_of`, :func:`latest_survey`, :func:`team_nps`.
- :mod:`.engagement` -- the 0-100 score in SQL: :func:`engagement_scores`,
  :func:`engagement_of`; the formula in Python (:func:`points_from_events`,
  :func:`score_from_points`) and the report's bands (:data:`BANDS`).
- :mod:`.referrals` -- codes (:func:`code_of`, :func:`issue_code`,
  :func:`issue_missing_codes`, :func:`find_code`), links (:func:`link_referral` /
  :func:`unlink_referral`, :func:`referral_of`, :func:`referrals_by`), rewards
  (:func:`set_reward_status`), chains (:func:`referral_chain`, :func:`chain_summaries`)
  and :func:`viral_coefficient`.
- :mod:`.customers` -- the customer list in one statement, sorted and limited in SQL
  (:func:`list_customers` -> :class:`CustomerRow`).

The store knows nothing of retention. :mod:`onboard_desk.services.prospects` runs the
consequences of a prospect's changes through :mod:`.lifecycle`: a win issues the code,
records the first purchase and converts a referral; undoing it takes the purchase and the
conversion back; a delete and its restore carry every retention row; a prospect added with
a referral code is linked. The values those rows hold (and the import's and the demo's) come
from :mod:`.terms`. :mod:`.sql` holds the statements shared with the report
(:mod:`onboard_desk.reports.customers`).
"""
