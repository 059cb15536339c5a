"""The guided walk-through: starting an assessment, its sections, saving with conflict
detection, checking answers, completing and reopening."""
