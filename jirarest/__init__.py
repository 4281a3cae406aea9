"""Jira REST v2 for mailtoticket: a small client (`client`), its two kinds of
failure (`errors`) and the mail-to-Jira-wiki-markup converter (`wiki`).

Nothing here knows about the mail pipeline: a back-end built on it maps a
message to these calls. Import the submodule you need (the package itself
imports nothing, so `jirarest.wiki` does not pull in requests).
"""
