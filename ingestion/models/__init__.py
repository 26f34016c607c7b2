from ingestion.models.submissions import FileEvent, Submission, SubmissionEvent, SubmissionFile, UploadPart

__all__ = ["FileEvent", "Submission", "SubmissionEvent", "SubmissionFile", "UploadPart"]
