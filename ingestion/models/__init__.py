from ingestion.models.pipeline import ConvertedFile, ImageJob, PipelineStep, StepEvent
from ingestion.models.submissions import FileEvent, Submission, SubmissionEvent, SubmissionFile, UploadPart
from ingestion.models.tickets import (
    ChecklistItem,
    SOPStep,
    SOPTemplate,
    Ticket,
    TicketAttachment,
    TicketComment,
    TicketEvent,
)

__all__ = ["ChecklistItem", "ConvertedFile", "ImageJob", "PipelineStep", "StepEvent", "FileEvent", "SOPStep", "SOPTemplate", "Submission", "SubmissionEvent",
           "SubmissionFile", "Ticket", "TicketAttachment", "TicketComment", "TicketEvent", "UploadPart"]
