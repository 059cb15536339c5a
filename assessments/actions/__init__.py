"""Actions: each next step of a completed assessment, followed up with an owner, a target
date, a status and dated progress notes."""
