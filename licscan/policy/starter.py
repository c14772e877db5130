"""The commented starter policy ``licscan policy init`` writes.

It must pass ``licscan policy check`` cleanly (a test holds it to that), so
its example exception stays commented out: a live one would be reported as
unused on the first scan.
"""

STARTER_POLICY = """\
# licscan policy: legal writes the rules once, every scan gets a verdict per model.
# Check it with:  licscan policy check licscan.policy.yaml
# Use it with:    licscan scan models.txt --policy licscan.policy.yaml [--fail-on deny|review]
# Format reference: docs/policy.md
version: 1

# Who ships the models, and how. Rules that depend on a value left out go to review.
context:
  use: commercial               # commercial | internal | research
  # monthly_active_users: 1000000  # set it: licences with a user cap (Llama: more than 700,000,000)
                                  # go to review while it is left out
  regions: [US]                 # where the product is offered: ISO 3166 codes, and EU
  distribution: hosted          # hosted | on-prem | weights (weights handed to others)
  # annual_revenue_usd: 0       # for licences with a revenue cap (Stability community licence)

# Decision per licence class: allow | review | deny.
# Defaults: permissive allow, copyleft review, open-weights-restricted review,
# non-commercial deny, unknown deny.
classes:
  permissive: allow
  copyleft: review
  open-weights-restricted: review
  non-commercial: deny
  unknown: deny

# Per licence id (see license_db/): replaces the class rule for that licence,
# and applies wherever the licence appears along a model's lineage.
licenses: {}
#  llama2: deny

# Obligation kinds legal has signed off; any other obligation sends the model to review.
obligations:
  accepted: [attribution, notice, state-changes]

# Signed-off deviations for one model (org/name, or org/name@revision).
# A valid exception overrides every rule; an expired one no longer applies.
exceptions: []
#  - model: org/name
#    decision: allow
#    reason: "Commercial licence bought, ticket LEG-42"
#    expires: 2027-03-31
#    approved_by: legal@example.com

# Models whose metadata could not be fetched: a gate fails closed by default.
on_fetch_error: deny

# Datasets the manifests list (datasets/org/name): judged like models. Classes and
# licences left out here take the rules above. Exceptions for them: `dataset: org/name`.
datasets:
  classes: {}
#    copyleft: review           # share-alike data (CC-BY-SA, ODbL)
  licenses: {}

# What a model's training data (the datasets: of its card and its bases') does to
# its verdict; the data's licence never changes the model's class.
# Defaults: non-commercial review, every other class allow.
training_data:
  non-commercial: review
  unknown: allow                # data licscan cannot read or identify

# Openness (optional): models graded below the minimum get the decision, with the components they lack.
# Levels: restricted-weights (weights exist) < open-weights (weights and architecture openly licensed)
# < open-model (every MOF Class III component evidenced open). Attestations record what the team
# vouches for that the Hub does not show (also in ./openness.yaml, or --attestations FILE).
# openness:
#   minimum: open-weights
#   decision: review
#   attestations:
#     - model: org/name
#       component: training-code     # a MOF component: training-code, research-paper, data-card, ...
#       license: apache-2.0          # a licence id of license_db/
#       source: https://github.com/org/training-code
#       checked_by: ml-platform@example.com
#       date: 2026-11-20

# Hosted model APIs the code calls (scan --discover), judged like models. The most specific rule
# decides: a providers: entry, else a serving: entry, else default. Without this section API uses get
# no verdict.
# apis:
#   default: review
#   providers: {openai: allow, deepseek: deny}
#   serving: {closed-api: review, hosted-open-weights: allow, self-hosted: allow}
"""
