"""Reviews: when the next one is due, interim reviews started by an event, reminders by email,
and the organisation's review log."""
