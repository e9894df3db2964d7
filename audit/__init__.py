"""The audit log: who did which sensitive thing in a workspace, when and from where (issue 19).

Where it sits in the import map (STYLE.md §1), and why: audit imports accounts and nothing else, and every app
above accounts may import audit. An entry is a tenant row like any other, so it is scoped by accounts' one
mechanism (`accounts.tenancy.WorkspaceQuerySet`, the manager of `WorkspaceOwned`; the key is nullable, because a
failed sign-in for an unknown address or an operator's sign-in belongs to no workspace, so the model cannot
inherit `WorkspaceOwned` itself) and the owner's page uses `workspace_view` and the role matrix like every page.
Putting audit *below* accounts instead would have meant a second tenancy and role check inside audit.

accounts, below audit, never imports it: sign-ins and failed sign-ins arrive through Django's own signals
(`user_logged_in`, `user_login_failed`), and the team's writes and the API's token login send
`accounts.hooks.sensitive_action`, which audit connects in `AuditConfig.ready()`. The other apps call
`audit.services.audit_record` in their one service for the action.
"""
