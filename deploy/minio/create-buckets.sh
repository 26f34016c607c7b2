#!/bin/sh
# One-shot set-up of MinIO for the portal (docker-compose.yml, service createbuckets).
# Safe to run again: it creates what is missing and leaves data alone.
#
#   - one bucket per storage area, plus AWS_STORAGE_BUCKET_NAME for the default area;
#   - anonymous read of single objects in the public bucket only (no listing),
#     because the public area hands out unsigned URLs; every other bucket is
#     private and reached through short-lived signed URLs;
#   - a MinIO user for the portal (AWS_ACCESS_KEY_ID) limited to these buckets,
#     so the portal never holds the MinIO root credentials.
#
# Needs: MINIO_ROOT_USER, AWS_ACCESS_KEY_ID, AWS_STORAGE_BUCKET_NAME,
# S3_BUCKET_INBOX/QUARANTINE/ARCHIVE/PUBLIC and the secrets minio_root_password
# and s3_secret_key under /run/secrets.
set -eu

POLICY=portal-buckets-rw
read -r root_password < /run/secrets/minio_root_password
read -r portal_secret < /run/secrets/s3_secret_key

buckets="$AWS_STORAGE_BUCKET_NAME $S3_BUCKET_INBOX $S3_BUCKET_QUARANTINE $S3_BUCKET_ARCHIVE $S3_BUCKET_PUBLIC"

mc alias set local http://minio:9000 "$MINIO_ROOT_USER" "$root_password" >/dev/null

for bucket in $buckets; do
    mc mb --ignore-existing "local/$bucket"
done

cat > /tmp/public-read.json <<JSON
{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": ["s3:GetObject"],
     "Resource": ["arn:aws:s3:::$S3_BUCKET_PUBLIC/*"]}
  ]
}
JSON
mc anonymous set-json /tmp/public-read.json "local/$S3_BUCKET_PUBLIC"

bucket_arns=""
object_arns=""
for bucket in $buckets; do
    bucket_arns="$bucket_arns${bucket_arns:+, }\"arn:aws:s3:::$bucket\""
    object_arns="$object_arns${object_arns:+, }\"arn:aws:s3:::$bucket/*\""
done
cat > /tmp/portal-policy.json <<JSON
{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow",
     "Action": ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"],
     "Resource": [$bucket_arns]},
    {"Effect": "Allow",
     "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject",
                "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
     "Resource": [$object_arns]}
  ]
}
JSON
mc admin policy create local "$POLICY" /tmp/portal-policy.json
mc admin user add local "$AWS_ACCESS_KEY_ID" "$portal_secret"
# `attach` fails when the policy is already attached (a re-run): check instead.
if ! mc admin policy attach local "$POLICY" --user "$AWS_ACCESS_KEY_ID"; then
    case "$(mc admin user info local "$AWS_ACCESS_KEY_ID")" in
        *"$POLICY"*) echo "policy $POLICY already attached to $AWS_ACCESS_KEY_ID" ;;
        *) echo "could not attach policy $POLICY to $AWS_ACCESS_KEY_ID" >&2; exit 1 ;;
    esac
fi
echo "MinIO ready: buckets $buckets"
