"""Review policies: the ordered stages a proposal passes through before it is approved.

`model` holds the policy as data, `facts` what a change does (for stage conditions),
`evaluate` where a proposal stands given the decisions so far. All pure: no Slack, no
database; `repository` and `toml_io` convert at the edge.
"""
