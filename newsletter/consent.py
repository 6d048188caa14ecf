"""The consent wording shown beside the signup form, and its version.

Every subscriber stores the version they agreed to, so the wording can change
without losing what earlier subscribers were told. Changing the text? Bump the
version in the same commit, and keep the old wording in this module's history.
"""

CONSENT_VERSION = "2025-01"
CONSENT_TEXT = (
    "Yes, email me the Careerguide newsletter: new career guides, salary and job "
    "outlook updates and study resources, about once a month. I can unsubscribe "
    "at any time with the link in every email."
)
