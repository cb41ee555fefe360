"""Fixtures shared by the unit tests."""

from __future__ import annotations

import shutil

import pandas as pd
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


@pytest.fixture()
def returned_rows(monkeypatch):
    """The number of rows of every result the DuckDB backend hands to Python (appended as
    they come); pandas' Parquet reader is forbidden meanwhile, so nothing reads the files
    around the engine."""
    from ibis.backends.duckdb import Backend

    seen: list[int] = []
    original = Backend.to_pyarrow

    def recording(self, expr, *args, **kwargs):
        table = original(self, expr, *args, **kwargs)
        seen.append(table.num_rows)
        return table

    def forbidden(*args, **kwargs):
        raise AssertionError("pandas read the Parquet files")

    monkeypatch.setattr(Backend, "to_pyarrow", recording)
    monkeypatch.setattr(pd, "read_parquet", forbidden)
    return seen
