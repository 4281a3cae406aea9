"""The API's JSON shapes: what the generated OpenAPI document describes."""
from typing import Any, Optional

from pydantic import BaseModel, Field


class Where(BaseModel):
    place: str = Field(description="quarantine, quarantine/replayed, quarantine/linked, "
                       "quarantine/discarded, mailbox (waiting), processed folder, "
                       "acknowledged (MDA)")
    quarantine_id: Optional[str] = None
    detail: Optional[str] = None


class MessageSummary(BaseModel):
    id: str = Field(description="opaque: <queue>.<base64url of the journal key>")
    queue: str
    message_id: Optional[str]
    sender: Optional[str]
    subject: Optional[str]
    outcome: str = Field(description="SUCCESS, SKIP, REJECT, ERROR or WAITING")
    reason: Optional[str]
    ticket: Optional[str]
    first: Optional[str] = Field(description="first delivery attempt (ISO 8601)")
    last: Optional[str] = Field(description="last change (ISO 8601)")


class MessagePage(BaseModel):
    total: int
    offset: int
    limit: int
    items: list[MessageSummary]


class Step(BaseModel):
    name: str = Field(description="journal step (gateway/steps.py): ticket, comment:N, "
                      "annex:N:i:name...; ':sent' = sent, answer still pending")
    value: Any
    pending: bool
    time: Optional[str]


class FileWritten(BaseModel):
    ticket: str
    name: str


class Message(MessageSummary):
    attempts: int
    filter: Optional[str]
    steps: list[Step]
    comments: list[str] = Field(description="tickets the message commented on")
    files: list[FileWritten]
    comments_done: int
    files_done: int
    linked: list[dict]
    where: Where


class Thread(BaseModel):
    ticket: str
    items: list[MessageSummary] = Field(description="oldest first")


class QuarantineItem(BaseModel):
    id: str = Field(description="<queue>.<file name without .eml>")
    queue: str
    outcome: Optional[str]
    reason: Optional[str]
    time: Optional[str]
    sender: Optional[str] = Field(None, alias="from")
    subject: Optional[str]
    message_id: Optional[str]
    message: Optional[str] = Field(description="the journal entry's message id")

    model_config = {"populate_by_name": True}


class QuarantineList(BaseModel):
    total: int
    items: list[QuarantineItem] = Field(description="newest first, one page")


class QuarantineEntry(QuarantineItem):
    headers: list[list[str]]
    defects: list[str]
    log: str
    size: int
    body: Optional[str] = Field(description="the text of the message: admin role only")


class LinkRequest(BaseModel):
    ticket: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


class ActionResult(BaseModel):
    outcome: Optional[str] = None
    ticket: Optional[str] = None
    detail: Optional[str] = None
    exit_code: Optional[int] = None
    moved_to: Optional[str] = None
    kept_days: Optional[int] = None


class Missing(BaseModel):
    days: int
    since: str
    checked: int
    skipped: int = Field(0, description="processed-folder mail the gateway skips before "
                         "journalling (automatic mail)")
    missing: list[dict] = Field(description="kind: ticket, comment (the ticket system does "
                                "not know it) or unjournalled (processed folder)")
    problems: list[str]


class Health(BaseModel):
    status: str = Field(description="ok, degraded (HTTP 200) or failing (HTTP 503)")
    service: bool = Field(description="whether a service status file was found")
    checked: str
    mailboxes: list[dict]
    queues: list[dict]


class Problem(BaseModel):
    detail: str
