"""Steps that apps above the inbox add to its reply pipeline (today: chatbot flows, in `flows`).

The inbox may not import the apps above it (STYLE.md's one-way map), so they register a step here from their
AppConfig.ready() and `inbox.replies.reply_pipeline` runs the steps after the opt-out words and the pause of a
person answering, and before keyword rules, the loop guard and the AI: a customer inside a flow is answered by
the flow. A step is ``fn(*, chat, message) -> str | None``: an outcome name when it answered (or consumed the
message), None to let the pipeline go on. It runs inside the pipeline's transaction and sends through
`inbox.replies.message_queue`, the one send path.
"""

_STEPS = []


def register_reply_step(fn, *, order=100) -> None:
    if all(step is not fn for _order, step in _STEPS):
        _STEPS.append((order, fn))
        _STEPS.sort(key=lambda entry: entry[0])


def reply_steps_run(*, chat, message):
    """The outcome of the first step that took the message, or None."""
    for _order, step in _STEPS:
        outcome = step(chat=chat, message=message)
        if outcome:
            return outcome
    return None
