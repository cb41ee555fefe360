"""Fixtures shared by the unit tests."""

from __future__ import annotations

import shutil

import pytest


@pytest.fixture(scope="session")
def spark(tmp_path_factory):
    """A Spark session in local mode (one core), for the tests that run the engine on Spark."""
    if shutil.which("java") is None:
        pytest.skip("Spark-local needs Java (./dev test installs openjdk-17-jre-headless)")
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[1]")
        .appName("kundenmodell-unit-tests")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.warehouse.dir", str(tmp_path_factory.mktemp("spark-warehouse")))
        .getOrCreate()
    )
    yield session
    session.stop()
