from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator


class FeedbackIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    score: Annotated[int, Field(ge=1, le=5, description="1 (very unhappy) to 5 (very happy).")]
    comment: Annotated[str | None, Field(max_length=2000)] = None

    @field_validator("comment")
    @classmethod
    def _strip(cls, value: str | None) -> str | None:
        value = value.strip() if value is not None else None
        return value or None


class FeedbackOut(BaseModel):
    ticket_number: str
    score: int
    answered_at: datetime
    message: str
