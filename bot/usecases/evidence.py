"""Evidence files a contractor gives: in the filing modal's file input, or shared later in
the receipt thread. Each joins the request's evidence once, with an audit row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.usecases import audit
from policy.terms import MAX_EVIDENCE_FILES
from storage.models import CreditRequest, RequestFile

MODAL = "modal"
THREAD = "thread"
MAX_FILES_PER_REQUEST = 50  # files shared in a thread over time, at most


@dataclass(frozen=True)
class EvidenceFile:
    file_id: str
    name: str
    permalink: str | None = None
    mimetype: str | None = None
    size: int | None = None

    @classmethod
    def from_slack(cls, doc: dict) -> EvidenceFile | None:
        """A Slack file object (as in a file input's value or a message's ``files``), or None."""
        if not isinstance(doc, dict):
            return None
        file_id = str(doc.get("id") or "").strip()
        if not file_id or len(file_id) > 32 or not file_id.isalnum():
            return None
        size = doc.get("size")
        link = doc.get("permalink") or doc.get("url_private")
        return cls(file_id=file_id, name=str(doc.get("name") or doc.get("title") or file_id)[:255],
                   permalink=str(link)[:1000] if isinstance(link, str) else None,
                   mimetype=str(doc.get("mimetype") or "")[:128] or None,
                   size=size if isinstance(size, int) and 0 <= size < 2**31 else None)


def files_of(docs) -> tuple[EvidenceFile, ...]:
    """The readable files among Slack file objects, each once, at most MAX_EVIDENCE_FILES."""
    found: dict[str, EvidenceFile] = {}
    for doc in docs or ():
        f = EvidenceFile.from_slack(doc)
        if f is not None:
            found.setdefault(f.file_id, f)
    return tuple(found.values())[:MAX_EVIDENCE_FILES]


def attach(session: Session, req: CreditRequest, files: tuple[EvidenceFile, ...], *, user: str, at: datetime,
           source: str, surface: str) -> list[EvidenceFile]:
    """Add the files the request does not have yet; returns those added (audited)."""
    if not files:
        return []
    have = set(session.scalars(select(RequestFile.file_id).where(RequestFile.request_id == req.id)))
    room = MAX_FILES_PER_REQUEST - len(have)
    added = [f for f in files if f.file_id not in have][:max(room, 0)]
    for f in added:
        session.add(RequestFile(request_id=req.id, file_id=f.file_id, name=f.name, permalink=f.permalink,
                                mimetype=f.mimetype, size=f.size, added_by=user, added_at=at, source=source))
    if added:
        audit.record(session, request_id=req.id, at=at, actor=user, surface=surface,
                     action=audit.Event.EVIDENCE_ADDED, old_status=req.status, new_status=req.status,
                     note=", ".join(f.name for f in added),
                     data={"files": [{"id": f.file_id, "name": f.name} for f in added], "source": source})
    return added
