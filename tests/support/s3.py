"""A real S3-compatible server for the tests (moto's server mode on 127.0.0.1) and a fresh bucket per test."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING

import boto3
import pytest
from moto.server import ThreadedMotoServer

if TYPE_CHECKING:
    from mypy_boto3_s3.client import S3Client


def bucket_keys(client: S3Client, bucket: str, prefix: str = "") -> dict[str, int]:
    """Every key under `prefix` with its size."""
    keys = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            keys[item["Key"]] = item["Size"]
    return keys


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture(scope="session")
def s3_admin(s3_endpoint: str) -> Iterator[S3Client]:
    """A client of our own, to set up buckets and look at what the storage left in them."""
    client: S3Client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    yield client
    client.close()


@pytest.fixture
def bucket(s3_admin: S3Client) -> Iterator[str]:
    name = f"anping-test-{uuid.uuid4().hex[:16]}"
    s3_admin.create_bucket(Bucket=name)
    yield name
    # Drop the bucket so the session-long server does not accumulate every test's bytes.
    for upload in s3_admin.list_multipart_uploads(Bucket=name).get("Uploads", []):
        s3_admin.abort_multipart_upload(Bucket=name, Key=upload["Key"], UploadId=upload["UploadId"])
    for key in bucket_keys(s3_admin, name):
        s3_admin.delete_object(Bucket=name, Key=key)
    s3_admin.delete_bucket(Bucket=name)
