"""Downloads of archived files: crypt4gh re-encryption streams, plain streams, presigned S3 URLs, the policy."""
