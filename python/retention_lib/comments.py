"""Survey comments of the synthetic company, planted from each customer's
situation, with the truth recorded for the topic and sentiment tests.

A comment is made of one to three fragments; every fragment belongs to one
topic (or to none: fillers, sign-offs, contact details) and carries a tone.
What is planted depends on the answer: a customer about to leave for price
writes about price, an answer after a ticket whose first reply took more
than `SLOW_FIRST_RESPONSE_HOURS` complains about support, a bug ticket about
reliability, a promoter praises. Some comments are empty, some are not in
English, some carry typos, capitals, a name, an e-mail or a phone number.

The phrasings are written for this generator; the project's topic taxonomy
(seeds/reference/voc_topics.csv) was written from how customers complain, and
the recovery test measures how well one finds the other.
"""

from __future__ import annotations

import numpy as np

TOPICS = ("pricing", "billing", "support_responsiveness", "onboarding",
          "reliability_bugs", "performance", "integrations", "missing_features",
          "competitor_switching", "praise")
SLOW_FIRST_RESPONSE_HOURS = 8.0

# (topic, tone) -> English phrasings; tone -1 negative, +1 positive
PHRASES: dict[tuple[str, int], tuple[str, ...]] = {
    ("pricing", -1): (
        "too expensive for what we use", "the price went up again",
        "we can't justify the cost anymore", "pricing per seat is way too high",
        "overpriced compared to the value", "hard to afford on our budget",
        "the new pricing is ridiculous"),
    ("billing", -1): (
        "we were charged twice this month", "the invoice had the wrong amount",
        "the refund never arrived", "our card was declined for no reason",
        "billing keeps sending invoices to the wrong address",
        "the VAT on our invoice is wrong"),
    ("support_responsiveness", -1): (
        "support never replied to my ticket", "took days to get a response",
        "no response from support for a week", "support is slow to answer",
        "my ticket went unanswered", "the response time of your team is terrible",
        "I waited forever for someone to get back to me"),
    ("onboarding", -1): (
        "the setup was confusing", "hard to learn for new team members",
        "onboarding took us weeks", "the documentation doesn't explain the basics",
        "we never figured out how to get started",
        "steep learning curve for my team"),
    ("reliability_bugs", -1): (
        "the app crashes every day", "too many bugs lately",
        "reports show an error half the time", "the export feature is broken",
        "another outage this week", "dashboards stopped working after the update",
        "we lost data because of a glitch"),
    ("performance", -1): (
        "dashboards are painfully slow", "pages take forever to load",
        "the app is so slow on big accounts", "reports time out all the time",
        "everything feels sluggish", "load times are getting worse"),
    ("integrations", -1): (
        "the Salesforce integration keeps failing",
        "the sync with HubSpot is unreliable",
        "the API rate limits break our sync", "the Slack connector drops messages",
        "webhooks fire twice"),
    ("integrations", 1): (
        "the Slack integration saves us time", "the API is a joy to work with",
        "the HubSpot sync works nicely"),
    ("missing_features", -1): (
        "please add a dark mode", "we need a way to schedule reports",
        "it lacks role based permissions", "no way to filter by team",
        "missing custom fields", "would be nice to have an offline mode",
        "it doesn't support multiple currencies"),
    ("competitor_switching", -1): (
        "we are moving to a competitor", "switching to another vendor next quarter",
        "evaluating other tools right now", "we found an alternative that fits better",
        "our team is leaving for a different platform"),
    ("praise", 1): (
        "love the product", "great tool", "excellent support team",
        "fantastic experience so far", "would recommend it to anyone",
        "really easy to use", "the team is very helpful", "works well for us",
        "amazing dashboards"),
}
# (topic, tone) -> phrasings in German, French and Spanish
FOREIGN: dict[tuple[str, int], tuple[str, ...]] = {
    ("pricing", -1): ("viel zu teuer", "c'est trop cher pour nous",
                      "demasiado caro para lo que ofrece"),
    ("support_responsiveness", -1): ("keine Antwort vom Support",
                                     "pas de réponse du support depuis une semaine",
                                     "el soporte nunca responde"),
    ("reliability_bugs", -1): ("ständig Fehler in den Berichten",
                               "plantages tous les jours",
                               "la aplicación tiene muchos errores"),
    ("praise", 1): ("super Produkt", "très bon outil", "excelente herramienta"),
}
FILLERS = ("ok", "no comment", "n/a", "fine for now", "nothing to add",
           "rien à signaler", "nichts weiter")
NAMES = ("Maria Lopez", "John Carter", "Aisha Khan", "Lukas Weber",
         "Chloe Martin", "Diego Fernandez", "Priya Patel", "Tom Baker")
CONNECTORS = (". ", " and ", "; ", ". Also ", ", ")
ENDINGS = ("", ".", "!", "!!", "...")
# cancellation reason of a churning customer -> what they write about
REASON_TOPIC = {
    "too_expensive": "pricing", "missing_features": "missing_features",
    "switched_competitor": "competitor_switching", "not_using": "onboarding",
    "payment_failed": "billing", "trial_not_converted": "onboarding",
}
# ticket category -> what an unhappy answer after it is about
CATEGORY_TOPIC = {"billing": "billing", "bug": "reliability_bugs",
                  "how_to": "onboarding", "feature_request": "missing_features"}
PAIN_TOPICS = ("performance", "reliability_bugs", "onboarding", "pricing",
               "integrations", "missing_features")
# share of answers with a comment, by survey type
COMMENT_SHARE = {"nps": 0.55, "csat": 0.45, "ces": 0.35}


def _typo(rng: np.random.Generator, text: str) -> str:
    """Swap two neighbouring letters inside one word of five letters or more."""
    words = text.split(" ")
    long_words = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    if not long_words:
        return text
    i = long_words[rng.integers(len(long_words))]
    w = words[i]
    j = int(rng.integers(1, len(w) - 2))
    words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2:]
    return " ".join(words)


def _tone(survey_type: str, score: int, ces_max: int = 7) -> int:
    """The score band as a tone: +1 promoter/satisfied/easy, -1
    detractor/unsatisfied/hard, 0 in between."""
    if survey_type == "nps":
        return 1 if score >= 9 else (-1 if score <= 6 else 0)
    if survey_type == "csat":
        return 1 if score >= 4 else (-1 if score <= 2 else 0)
    mid = (ces_max + 1) / 2
    return 1 if score < mid else (-1 if score > mid else 0)


def write_comments(rng: np.random.Generator, survey_type: np.ndarray,
                   score: np.ndarray, churn_reason: np.ndarray,
                   ticket_category: np.ndarray, first_response_hours: np.ndarray,
                   response_ids: list[str]) -> tuple[list, list[str]]:
    """One comment (None = no comment) per answer, and one truth line
    (response_id, topics, sentiment, language, planted personal values) per
    answer with a comment. `churn_reason` is the cancellation reason of a
    customer who leaves within 120 days of answering, else ''.
    `ticket_category`/`first_response_hours` describe the ticket a CSAT or
    CES answer follows ('' / NaN for NPS)."""
    comments: list = []
    truth: list[str] = []
    for k in range(len(score)):
        kind, value = str(survey_type[k]), int(score[k])
        if rng.random() >= COMMENT_SHARE[kind]:
            comments.append(None)
            continue
        u = rng.random()
        if u < 0.06:  # an empty box: blank or spaces
            comments.append(" " * int(rng.integers(0, 3)))
            continue
        tone = _tone(kind, value)
        topics = _plant(rng, tone, str(churn_reason[k]), str(ticket_category[k]),
                        float(first_response_hours[k]))
        language = "en"
        if u < 0.12:
            fragments = [str(rng.choice(FILLERS))]
            topics = []
            language = "other" if fragments[0] in FILLERS[5:] else "en"
        elif u < 0.20 and any((t, s) in FOREIGN for t, s in topics):
            t, s = next((t, s) for t, s in topics if (t, s) in FOREIGN)
            fragments = [str(rng.choice(FOREIGN[(t, s)]))]
            topics = [(t, s)]
            language = "other"
        else:
            fragments = [str(rng.choice(PHRASES[ts])) for ts in topics]
        text = fragments[0]
        for fragment in fragments[1:]:
            text += str(rng.choice(CONNECTORS)) + fragment
        text = text[0].upper() + text[1:] + str(rng.choice(ENDINGS))
        if language == "en" and rng.random() < 0.12:
            text = _typo(rng, text)
        if rng.random() < 0.05:
            text = text.upper()
        pii = []
        p = rng.random()
        if p < 0.03:
            name = str(rng.choice(NAMES))
            text += f" Regards, {name.split()[0]}"
            pii.append(name.split()[0])
        elif p < 0.05:
            name = str(rng.choice(NAMES))
            text = f"I spoke with {name} about this. " + text
            pii.append(name)
        elif p < 0.07:
            email = f"{str(rng.choice(NAMES)).split()[0].lower()}.{k}@example.org"
            text += f" You can reach me at {email}"
            pii.append(email)
        elif p < 0.09:
            phone = f"+44 20 7946 {int(rng.integers(1000, 9999))}"
            text += f" Call me on {phone}"
            pii.append(phone)
        comments.append(text)
        tones = {s for _, s in topics}
        sentiment = ("neutral" if not tones else "mixed" if len(tones) > 1
                     else "positive" if 1 in tones else "negative")
        truth.append("\t".join([
            response_ids[k], ",".join(sorted({t for t, _ in topics})), sentiment,
            language, "|".join(pii)]))
    return comments, truth


def _plant(rng: np.random.Generator, tone: int, churn_reason: str,
           ticket_category: str, first_response_hours: float) -> list:
    """The (topic, tone) fragments an answer is made of."""
    topics: list[tuple[str, int]] = []
    if churn_reason in REASON_TOPIC:
        topics.append((REASON_TOPIC[churn_reason], -1))
        if churn_reason == "too_expensive" and rng.random() < 0.3:
            topics.append(("competitor_switching", -1))
    if first_response_hours > SLOW_FIRST_RESPONSE_HOURS and tone < 1:
        topics.append(("support_responsiveness", -1))
    if tone < 1 and ticket_category in CATEGORY_TOPIC and rng.random() < 0.7:
        topics.append((CATEGORY_TOPIC[ticket_category], -1))
    if tone == 1:
        topics.insert(0, ("praise", 1))
        if rng.random() < 0.2:
            topics.append(("integrations", 1))
    elif tone == 0 and not topics:
        topics = [("praise", 1), (str(rng.choice(PAIN_TOPICS)), -1)]
    elif not topics:
        topics = [(str(rng.choice(PAIN_TOPICS)), -1)]
        if rng.random() < 0.25:
            other = str(rng.choice(PAIN_TOPICS))
            if other != topics[0][0]:
                topics.append((other, -1))
    seen, unique = set(), []
    for t, s in topics:
        if t not in seen:
            seen.add(t)
            unique.append((t, s))
    return unique[:3]
