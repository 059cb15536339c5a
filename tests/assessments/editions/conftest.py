"""A newer edition of the framework, published after the one assessments start on, that changes
a little of everything: what moving an assessment to it is tested with."""

import pytest

from framework.models import ChecklistStatement, Edition, Factor, Question
from framework.services import duplicate_edition, publish_edition

REWORDED_QUESTION = "Do people know who can help them, and how to reach them?"
REWORDED_STATEMENT = "We help people recognise risk, online and offline."
RENAMED_FACTOR = "Isolation, online or offline"
NEW_QUESTION = "How do people learn from what went wrong?"
NEW_STATEMENT = "We review the checklist with the people we support."
NEW_FACTOR = "Caring responsibilities"


@pytest.fixture
def newer(edition) -> Edition:
    """A newer published edition, a copy of `edition` in which:
    - Environment's Know question is reworded, and its Learn question replaced by a new one
      (environment-learn goes, environment-reflect comes);
    - the Content domain is gone;
    - checklist statement recognise-risk is reworded, seek-recovery gone, review-checklist new;
    - factor isolation is renamed, age-considerations gone, caring new."""
    draft = duplicate_edition(edition=edition, key="ukcis-drf-next", version="2")
    questions = Question.objects.filter(domain__edition=draft)
    questions.filter(key="environment-know").update(text=REWORDED_QUESTION)
    learn = questions.get(key="environment-learn")
    Question.objects.create(
        domain=learn.domain, stage=learn.stage, key="environment-reflect", text=NEW_QUESTION
    )
    learn.delete()
    draft.domains.get(key="content").delete()
    statements = ChecklistStatement.objects.filter(edition=draft)
    statements.filter(key="recognise-risk").update(text=REWORDED_STATEMENT)
    statements.filter(key="seek-recovery").delete()
    ChecklistStatement.objects.create(
        edition=draft, key="review-checklist", text=NEW_STATEMENT, position=99
    )
    factors = Factor.objects.filter(edition=draft)
    factors.filter(key="isolation").update(name=RENAMED_FACTOR)
    factors.filter(key="age-considerations").delete()
    Factor.objects.create(
        edition=draft, key="caring", kind=Factor.Kind.EXTERNAL, name=NEW_FACTOR, position=99
    )
    return publish_edition(edition=draft)
