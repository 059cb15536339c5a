"""Moving an assessment in progress to a newer edition of the framework."""
